"""The lineage queue (``serve --lineage-queue``) on both engines: feeds are answered once
their checked events are on disk, the writer applies them behind the answer, and the graph
is the one direct writes give, also after a stop, a torn last line or a unit applied twice."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from graph_model.errors import StoreUnavailable
from graph_model.ingest import manifest, ol_events, ol_spool, ol_writer_process, openlineage, parse
from graph_model.store.embedded import process_alive as _alive
from tests.contract.test_lineage import fingerprint, load
from tests.contract.test_lineage_api import audit_seq, feed_token
from tests.lineage_corpus import MANIFEST, corpus


def direct_fingerprint(store) -> dict:
    """The graph the corpus gives written directly, one event a request; the store is left empty."""
    load(store)
    fp = fingerprint(store)
    store.clear()
    store.ensure_schema()
    return fp


def writer(store):
    return lambda events, actor, reason: openlineage.apply_queued(store, events, actor, reason)


def down(events, actor, reason):
    raise StoreUnavailable("the engine is down (the writer keeps the requests queued)")


def accept_corpus(queue: ol_spool.Spool, actor: str = "pipeline-bot") -> None:
    for e in corpus():
        queue.accept(e, batch=False, actor=actor, events=len(ol_events.events(e, batch=False)))


def reopen_and_drain(directory, store) -> None:
    """Open the queue again (a server starting) and wait until it has applied the corpus."""
    queue = ol_spool.Spool(directory, writer(store))
    try:
        assert queue.wait_applied(60)
        assert queue.status()["applied_events"] == len(corpus())
    finally:
        queue.close()


def test_queued_feeds_are_answered_at_once_and_give_the_graph_direct_writes_give(store, tmp_path):
    from app import close_lineage_queue, create_app
    expected = direct_fingerprint(store)
    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")
    app = create_app({"TESTING": True, "OWNERGRAPH_STORE_OBJECT": store, "OWNERGRAPH_ANONYMOUS_READ": True,
                      "OWNERGRAPH_LINEAGE_QUEUE": str(tmp_path / "queue")})
    try:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + feed_token(store)
        events = corpus()
        for e in events[:-4]:
            r = client.post("/api/v1/lineage", json=e)
            assert r.status_code == 201 and r.get_json()["queued"] is True and r.get_json()["changed"] is None
        r = client.post("/api/v1/lineage/batch", json=events[-4:])
        assert r.status_code == 200 and r.get_json() == {
            "received": 4, "queued": True, "changed": None, "counts": None, "audit_events": None,
            "first_seq": None, "last_seq": None}
        # a malformed event is still refused with its path, and nothing is queued for it
        bad = dict(events[0], eventTime="yesterday")
        r = client.post("/api/v1/lineage", json=bad)
        assert r.status_code == 400 and [p["path"] for p in r.get_json()["problems"]] == ["eventTime"]
        assert app.extensions["ownergraph.lineage_queue"].wait_applied(60)
        status = app.test_client().get("/api/v1/lineage/status").get_json()   # a reader's view
        assert status["mode"] == "queued" and status["accepted_requests"] == len(events) - 3
        assert status["accepted_events"] == status["applied_events"] == len(events)
        assert status["pending_bytes"] == 0 and status["rejected"] == 0 and status["units"] >= 1
        # the units were written by a process of the writer's own, not by the web process
        writer_pid = app.extensions["ownergraph.lineage_writer"].pid
        assert writer_pid is not None and writer_pid != os.getpid()
    finally:
        close_lineage_queue(app)
    assert not _alive(writer_pid)   # stopped with the queue
    assert fingerprint(store) == expected
    actors = {e["actor"] for e in store.read("audit_events_page", after=0, limit=5000)
              if e["action"].startswith(("run.", "version."))}
    assert actors == {"person:feed.bot token:feed-lineage from:127.0.0.1"}


def test_with_the_queue_a_lineage_request_lets_the_reads_in_flight_go_first(store, tmp_path, monkeypatch):
    import threading
    from app import close_lineage_queue, create_app
    from app.api import lineage as lineage_api
    monkeypatch.setattr(lineage_api, "INTAKE_YIELD_S", 30.0)
    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")
    app = create_app({"TESTING": True, "OWNERGRAPH_STORE_OBJECT": store, "OWNERGRAPH_ANONYMOUS_READ": True,
                      "OWNERGRAPH_LINEAGE_QUEUE": str(tmp_path / "queue"), "OWNERGRAPH_LINEAGE_WRITER": "thread"})
    try:
        token = feed_token(store)
        reads = app.extensions["ownergraph.reads_in_flight"]
        answers: list[int] = []

        def post():
            client = app.test_client()
            client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token
            answers.append(client.post("/api/v1/lineage", json=corpus()[0]).status_code)
        reads.enter()                       # a page read in flight
        feed = threading.Thread(target=post)
        feed.start()
        feed.join(0.5)
        assert feed.is_alive() and not answers and app.extensions["ownergraph.lineage_queue"].status()[
            "accepted_requests"] == 0       # the request waits, nothing queued yet
        reads.leave()                       # the read is answered: the request goes on
        feed.join(30)
        assert answers == [201]
        assert app.extensions["ownergraph.lineage_queue"].status()["accepted_requests"] == 1
        # a read counts as in flight while it runs, and not after
        assert app.test_client().get("/api/v1/hotspots").status_code == 200
        assert reads.n == 0
    finally:
        close_lineage_queue(app)


def test_a_writer_process_that_dies_is_replaced_and_its_unit_applied_again(store, tmp_path):
    """``kill -9`` of the writer process between units: the next unit starts a new one,
    and the graph is the one direct writes give (a death during a unit:
    ``tests/unit/test_lineage_writer_process.py``)."""
    expected = direct_fingerprint(store)
    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")
    process = ol_writer_process.WriterProcess(ol_writer_process.recipe_for(None, store))
    queue = ol_spool.Spool(tmp_path, process)
    try:
        events = corpus()
        queue.accept(events[0], batch=False, actor="pipeline-bot", events=1)
        assert queue.wait_applied(60)
        first = process.pid
        os.kill(first, signal.SIGKILL)
        for e in events[1:]:
            queue.accept(e, batch=False, actor="pipeline-bot", events=1)
        assert queue.wait_applied(60)
        assert process.pid not in (None, first) and queue.status()["rejected"] == 0
        assert queue.status()["applied_events"] == len(events)
    finally:
        queue.close()
        process.close()
    assert fingerprint(store) == expected


def test_without_the_queue_the_status_says_direct(client):
    assert client.get("/api/v1/lineage/status").get_json() == {"mode": "direct"}


def test_what_is_queued_while_the_engine_is_down_is_applied_when_the_server_starts_again(store, tmp_path):
    expected = direct_fingerprint(store)
    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")
    head = audit_seq(store)
    queue = ol_spool.Spool(tmp_path, down)
    accept_corpus(queue)
    deadline = time.monotonic() + 30
    while not queue.status()["last_error"] and time.monotonic() < deadline:   # the writer tries, and is told
        time.sleep(0.05)
    assert queue.status()["last_error"] and queue.status()["applied_events"] == 0
    queue.close()
    assert audit_seq(store) == head   # nothing written, everything still on disk
    # a crash inside an append leaves a torn last line: never answered, so it is cut
    with open(tmp_path / "events.log", "ab") as f:
        f.write(b'{"actor":"pipeline-bot","batch":false,"events":1,"body":{"eventTy')
    reopen_and_drain(tmp_path, store)
    assert fingerprint(store) == expected
    assert (tmp_path / "events.log").read_bytes().endswith(b"\n")


def test_a_unit_applied_again_after_a_crash_changes_nothing(store, tmp_path):
    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")
    queue = ol_spool.Spool(tmp_path, writer(store))
    accept_corpus(queue)
    assert queue.wait_applied(60)
    queue.close()
    applied = fingerprint(store)
    head = audit_seq(store)
    (tmp_path / "applied").write_text("0")   # the crash came after the units, before their mark
    reopen_and_drain(tmp_path, store)
    assert audit_seq(store) == head and fingerprint(store) == applied


def test_a_second_process_cannot_take_the_same_queue(store, tmp_path):
    queue = ol_spool.Spool(tmp_path, writer(store))
    try:
        with pytest.raises(ol_spool.SpoolBusy, match="in use"):
            ol_spool.Spool(tmp_path, writer(store))
    finally:
        queue.close()
    json.loads(json.dumps(queue.status()))   # the status is plain JSON
