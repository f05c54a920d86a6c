"""Plans the responders' pages before the first responder asks for one.

Why: Neo4j plans a query the first time it sees its text and keeps the plan in a cache
that a restart empties, and just after a start its planner itself runs cold. Measured
at 100k artifacts (``bench.first_page``; bench/README.md, "The first page after a Neo4j
start"): the first page after a server start took 5.2 s at the median of three, and
0.15 s once this warm-up had run (20 s, of which the artifacts' pages about 6 s and
the first hotspot ranking most of the rest). A responder opens the dashboard exactly
when something was restarted, so the server does that first-time work itself, in the
background, as soon as the store answers: when ``serve`` starts and each time the
store comes back after an outage.

How: the dashboard's own views render, in-process and without a client, the pages an
incident starts from (the incident, artifact and impact pages of a few deployments and
models, then home and hotspots), so exactly the query texts those pages send are planned,
joined reads included. Nothing is written: the views only read. The views are called
directly, so no request passes the access check and no credential is made; nothing
is sent to anyone. It gives way to responders: before each page it waits until no
read is being served (at most ``GIVE_WAY_S``), since a responder's page and the
warm-up's planning the same queries side by side on a cold server made that page
slower than with no warm-up at all (6.9 s against 4.6 s at the median, measured).
The warm-up stops at the first sign that the store is unavailable
(the recovery brings it back, and the warm-up runs again then), and on any other
error it logs the page and goes on: a failed warm-up costs a cold first page, never
an answer.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import quote

from flask import Flask, request

from graph_model.errors import StoreUnavailable
from graph_model.services import hotspot_cache

from . import reads_in_flight
from .storage import get_store

log = logging.getLogger(__name__)

#: the kinds whose pages are warmed (what fails in production), and how many of each
KINDS = ("deployment", "model")
PER_KIND = 2
#: the longest a page of the warm-up waits for the reads being served to end (under a
#: steady stream of responders there is always one: they plan the queries themselves;
#: feeds and other writes, health checks and static files are not waited for:
#: ``app.reads_in_flight``)
GIVE_WAY_S = 5.0
#: the pages that take no artifact (after the artifacts' pages: the first hotspot
#: ranking on a large store takes longer than all of those)
FIXED_PAGES = ("/", "/fragments/top-hotspots", "/hotspots")


def pages_for(uids: list[str]) -> list[str]:
    """The paths warmed for ``uids``: incident, artifact and impact page of each."""
    return [f"/{page}/{quote(uid, safe='/')}" for uid in uids for page in ("incident", "artifact", "impact")]


def warm(app: Flask) -> dict:
    """Render the warm-up pages once; returns ``{"pages", "failed", "seconds", "stopped"}``
    (``stopped``: the reason it ended early, else None)."""
    started = time.monotonic()
    done, failed, stopped = 0, 0, None
    try:
        with app.app_context():
            store = get_store()
            uids = [r["uid"] for kind in KINDS
                    for r in store.read("warmup_artifacts", kind=kind, limit=PER_KIND)]
        reads, stopping = reads_in_flight.of(app), _stopping(app)
        for path in [*pages_for(uids), *FIXED_PAGES]:
            reads.wait_idle(GIVE_WAY_S)
            if stopping.is_set():
                stopped = "the server is stopping"
                break
            try:
                _render(app, path)
                done += 1
            except StoreUnavailable:
                raise
            except Exception as e:  # noqa: BLE001 - a page that fails here fails for its responder too, with its own answer
                failed += 1
                log.info("warm-up: %s failed: %s", path, e)
    except StoreUnavailable as e:
        stopped = str(e)
    return {"pages": done, "failed": failed, "seconds": round(time.monotonic() - started, 1), "stopped": stopped}


def _stopping(app: Flask) -> threading.Event:
    return app.extensions.setdefault("ownergraph_warm_up_stop", threading.Event())


def stop(app: Flask) -> None:
    """No more pages: the server is stopping (a page in progress ends with the store)."""
    _stopping(app).set()


def _render(app: Flask, path: str) -> None:
    """The view ``path`` routes to, called in a request context built for it. Its ask for
    the hotspot ranking is the server's own (``hotspot_cache.unwatched``): it computes the
    first ranking, but keeps no watcher scoring the writes that follow for nobody."""
    with app.test_request_context(path), hotspot_cache.unwatched():
        view = app.view_functions[request.url_rule.endpoint]
        view(**request.view_args)


def start(app: Flask) -> threading.Thread:
    """Warm up on a background thread (daemon: a stop never waits for it). One warm-up
    runs at a time per app: a second one (the engine came back while the first was
    still stopping on its outage) waits for the first to end."""
    one_at_a_time = app.extensions.setdefault("ownergraph_warm_up", threading.Lock())

    def run() -> None:
        with one_at_a_time:
            result = warm(app)
        if result["stopped"]:
            log.warning("warm-up: planned %d pages in %.1f s, stopped: %s", result["pages"],
                        result["seconds"], result["stopped"])
        else:
            log.warning("warm-up: planned %d pages in %.1f s (%d failed)", result["pages"],
                        result["seconds"], result["failed"])
    thread = threading.Thread(target=run, name="ownergraph-warm-up", daemon=True)
    thread.start()
    return thread
