"""The pages' warm-up (``app.warmup``) on both engines: it renders the incident pages
for a few deployments and models, writes nothing, stops when the store is gone, and the
serving store calls it again each time the engine answers after an outage."""

from __future__ import annotations

import socket
import threading
from datetime import datetime, timezone

import pytest

from app import create_app, warmup
from graph_model.demo import load as demo_load
from graph_model.errors import StoreUnavailable
from graph_model.services import audit, hotspot_cache
from graph_model.store import StoreConfig
from graph_model.store.factory import open_recovering
from graph_model.store.recovery import RecoveringStore

from ..helpers import counts

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def loaded(module_store):
    demo_load.load(module_store, size=200, seed=7, now=NOW, chunk_artifacts=100)
    return module_store


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _warmed(store) -> list[str]:
    return [r["uid"] for kind in warmup.KINDS for r in store.read("warmup_artifacts", kind=kind,
                                                                    limit=warmup.PER_KIND)]


def test_the_warm_up_renders_the_incident_pages_and_writes_nothing(loaded):
    store = loaded
    uids = _warmed(store)
    kinds = {store.read("artifacts_by_uids", uids=[u])[0]["kind"] for u in uids}
    assert len(uids) == len(warmup.KINDS) * warmup.PER_KIND and kinds == set(warmup.KINDS)
    before, events = counts(store), audit.verify(store)
    # no anonymous reading: the warm-up calls the views itself, it makes no request
    result = warmup.warm(create_app({"OWNERGRAPH_STORE_OBJECT": store}))
    assert result["stopped"] is None and result["failed"] == 0
    assert result["pages"] == 3 * len(uids) + len(warmup.FIXED_PAGES)
    assert counts(store) == before and audit.verify(store) == events


def test_the_warm_up_ranks_hotspots_but_leaves_no_watcher_scoring_for_nobody(loaded):
    hotspot_cache.forget(loaded)
    app = create_app({"OWNERGRAPH_STORE_OBJECT": loaded, "OWNERGRAPH_ANONYMOUS_READ": True})
    try:
        assert warmup.warm(app)["failed"] == 0
        cache = hotspot_cache.for_store(loaded)
        assert cache.computations == 1 and not cache.watching
        assert app.test_client().get("/hotspots").status_code == 200   # a responder looks
        assert cache.computations == 1 and cache.watching
    finally:
        hotspot_cache.forget(loaded)


def test_a_page_that_fails_is_counted_and_the_others_still_render(loaded):
    app = create_app({"OWNERGRAPH_STORE_OBJECT": loaded})
    rendered = []
    original = app.view_functions["dashboard.artifact"]

    def failing(**kw):
        raise RuntimeError("this page is broken")

    def counting(**kw):
        rendered.append(kw["uid"])
        return original(**kw)

    app.view_functions["dashboard.impact"] = failing
    app.view_functions["dashboard.artifact"] = counting
    result = warmup.warm(app)
    uids = _warmed(loaded)
    assert result["failed"] == len(uids) and rendered == uids
    assert result["pages"] == 2 * len(uids) + len(warmup.FIXED_PAGES) and result["stopped"] is None


def test_the_warm_up_stops_when_the_store_is_unreachable(unused_port):
    config = StoreConfig(backend="neo4j", neo4j_uri=f"bolt://127.0.0.1:{unused_port}", neo4j_password="x")
    store = open_recovering(config)
    try:
        result = warmup.warm(create_app({"OWNERGRAPH_STORE_OBJECT": store}))
    finally:
        store.close()
    assert result["pages"] == 0 and result["failed"] == 0
    assert "unreachable" in result["stopped"] or "Unable to" in result["stopped"]


def test_the_serving_store_calls_back_each_time_the_engine_answers_again(loaded):
    attempts: list[int] = []

    def opener():
        attempts.append(1)
        if len(attempts) == 1:
            raise StoreUnavailable("the engine is starting")
        return loaded

    recovering = RecoveringStore(opener, loaded.backend)
    came_back = threading.Event()
    recovering.on_recovered(came_back.set)
    with pytest.raises(StoreUnavailable, match="starting"):
        recovering.ping()
    assert not came_back.is_set()
    assert came_back.wait(15), "the store came back without calling back"
    recovering.ping()
    assert recovering.status() == {"up": True} and len(attempts) == 2


def test_a_second_warm_up_waits_for_the_first(loaded):
    app = create_app({"OWNERGRAPH_STORE_OBJECT": loaded})
    original = app.view_functions["dashboard.incident"]
    active, most = [0], [0]
    guard = threading.Lock()

    def counting(**kw):
        with guard:
            active[0] += 1
            most[0] = max(most[0], active[0])
        try:
            return original(**kw)
        finally:
            with guard:
                active[0] -= 1

    app.view_functions["dashboard.incident"] = counting
    first, second = warmup.start(app), warmup.start(app)
    first.join(120)
    second.join(120)
    assert not first.is_alive() and not second.is_alive()
    assert most[0] == 1, "two warm-ups rendered at the same time"


def test_the_warm_up_gives_way_to_a_request_being_served(loaded):
    app = create_app({"OWNERGRAPH_STORE_OBJECT": loaded, "OWNERGRAPH_ANONYMOUS_READ": True})
    inside, release = threading.Event(), threading.Event()
    rendered: list[str] = []
    incident = app.view_functions["dashboard.incident"]

    def busy_team_page(team_id):   # a responder's request that takes a while
        inside.set()
        release.wait(30)
        return "served"

    def counting(**kw):
        rendered.append(kw["uid"])
        return incident(**kw)

    app.view_functions["dashboard.team"] = busy_team_page
    app.view_functions["dashboard.incident"] = counting
    answers: list[int] = []
    responder = threading.Thread(target=lambda: answers.append(app.test_client().get("/team/ml").status_code))
    responder.start()
    assert inside.wait(10)
    warming = warmup.start(app)
    warming.join(1.5)
    assert rendered == [] and warming.is_alive(), "the warm-up rendered beside a request in flight"
    release.set()
    responder.join(10)
    warming.join(120)
    assert answers == [200] and rendered == _warmed(loaded)[:len(rendered)] and len(rendered) == len(_warmed(loaded))


def test_a_stopping_server_renders_no_more_pages(loaded):
    app = create_app({"OWNERGRAPH_STORE_OBJECT": loaded})
    warmup.stop(app)
    result = warmup.warm(app)
    assert result["pages"] == 0 and result["failed"] == 0 and result["stopped"] == "the server is stopping"
