"""OpenLineage endpoint: ``POST /api/v1/lineage`` (one event, 201 as Marquez answers) and
``POST /api/v1/lineage/batch`` (a JSON array, all or nothing, answered with a count).

Both read the body with ``ol_events`` (gzip accepted, bounded) and apply it through the
OpenLineage planner; a malformed event is a 400 naming every path, and writes nothing
(a 5xx would make the client retry a request that can never succeed).

Access: ``lineage_scope`` is the one guard both views sit behind: the caller must hold
the ``lineage`` scope (a feed's service token; ``admin`` includes it), and the audit
events name that identity, the token and the client address.

With ``OWNERGRAPH_LINEAGE_QUEUE`` (a directory; ``serve --lineage-queue``) a checked
request is answered once it is on disk and applied behind the answer (``ol_spool``) by
a writer process of its own (``ol_writer_process``); the queue is opened with the app,
so what a previous run left queued is applied at once. Reads go first: the writer lets
the page and API reads in flight finish before each unit (the writer process reads their
count from shared memory), and a lineage request waits a moment for them before it is
read.
"""

from __future__ import annotations

import threading
from functools import wraps
from pathlib import Path
from typing import Callable

from flask import Blueprint, Flask, current_app, request

from graph_model.errors import PermissionDenied
from graph_model.ingest import ol_events, ol_spool, ol_writer_process
from graph_model.ingest import openlineage

from .. import reads_in_flight
from ..access import current_principal
from ..storage import get_store
from . import answers
from .models import OpenLineageBatch, OpenLineageEvent, Refusal
from .operation import operation

bp = Blueprint("api_lineage", __name__)
_QUEUE = "ownergraph.lineage_queue"
_WRITER = "ownergraph.lineage_writer"
_READS = "ownergraph.reads_in_flight"
_queue_lock = threading.Lock()


#: the longest the queue's writer lets the page and API reads in flight finish before it
#: starts a unit. Why: its units are background work nobody waits for, while an incident
#: page makes several queries in a row, each slowed by a unit running beside it. Queued
#: single events at 100k on the embedded engine, 30 s, alternating: incident p95 276 and
#: 326 ms (413 and 386 events/s) with 0.2 s, against 457 and 417 ms (321 and 386) without
READS_FIRST_MAX_S = 0.2

#: with the queue on, the longest a lineage request waits for the page and API reads in
#: flight before it is read and checked. Why: a queued feed is answered in a few ms, so
#: 4 feeds posting in a loop kept the web process busy enough that an incident read
#: waited between its queries. Queued single events at 100k, 60 s, writer process: on
#: the embedded engine 535.0 events/s applied with incident p95 137.6 ms without this
#: wait, 393.8 events/s with p95 74.9 ms at 50 ms, 416.0 events/s with p95 64.3 ms at
#: 100 ms; on Neo4j 312.9 events/s with p95 109.4 ms at 50 ms, 362.2 and 373.6 events/s
#: with p95 72.6 and 68.6 ms at 100 ms.
INTAKE_YIELD_S = 0.1


def init_queue(app: Flask) -> None:
    """Open the app's lineage queue when one is configured (its writer starts at once);
    the writer and the lineage requests give way to reads (``READS_FIRST_MAX_S``,
    ``INTAKE_YIELD_S``)."""
    directory = app.config.get("OWNERGRAPH_LINEAGE_QUEUE")
    if not directory:
        return
    reads = reads_in_flight.of(app)

    # the units are planned and written by a process of its own (``ol_writer_process``:
    # the web process's reads then never wait for its Python work), unless the app's
    # store cannot be opened again elsewhere or OWNERGRAPH_LINEAGE_WRITER is "thread"
    recipe = None
    if app.config.get("OWNERGRAPH_LINEAGE_WRITER", "process") == "process":
        recipe = ol_writer_process.recipe_for(app.config.get("OWNERGRAPH_STORE_CONFIG"),
                                              app.config.get("OWNERGRAPH_STORE_OBJECT"))
    process = (ol_writer_process.WriterProcess(recipe, reads=(reads.shared, READS_FIRST_MAX_S))
               if recipe is not None else None)

    def apply(events: list, actor: str | None, reason: str):
        if process is not None:
            return process(events, actor, reason)   # the child lets the reads go first
        reads.wait_idle(READS_FIRST_MAX_S)
        with app.app_context():
            return openlineage.apply_queued(get_store(), events, actor, reason)
    app.extensions[_WRITER] = process
    app.extensions[_READS] = reads
    # the writer process takes the next unit while it applies one, and lets the reads in
    # flight finish before each (``READS_FIRST_MAX_S``)
    app.extensions[_QUEUE] = ol_spool.Spool(Path(directory), apply,
                                            submit=process.submit if process is not None else None)


def close_queue(app: Flask) -> None:
    """Stop the queue's writer after its current unit (what is left stays on disk)."""
    with _queue_lock:
        queue = app.extensions.pop(_QUEUE, None)
        process = app.extensions.pop(_WRITER, None)
        app.extensions.pop(_READS, None)   # lineage requests no longer wait for reads
    if queue is not None:
        queue.close()
    if process is not None:
        process.close()


def _queue() -> ol_spool.Spool | None:
    return current_app.extensions.get(_QUEUE)


def lineage_scope(view: Callable) -> Callable:
    """Guard for the ``lineage`` scope; hands the view the actor to record."""
    @wraps(view)
    def guarded(*args, **kwargs):
        principal = current_principal()   # authenticated by the access guard
        if not principal.has("lineage"):
            raise PermissionDenied(f"this credential ({principal.actor}) lacks the 'lineage' scope "
                                   f"that lineage feeds need")
        return view(*args, actor=principal.actor, **kwargs)
    return guarded


def _yield() -> None:
    """With the queue on, let the reads in flight go first (``INTAKE_YIELD_S``)."""
    reads = current_app.extensions.get(_READS)
    if reads is not None:
        reads.wait_idle(INTAKE_YIELD_S)


def _checked(batch: bool) -> tuple[object, list[ol_events.Event]]:
    data = ol_events.read_body(request.get_data(), request.headers.get("Content-Encoding"))
    return data, ol_events.events(data, batch=batch)


def _take(data: object, events: list[ol_events.Event], batch: bool, actor: str) -> dict:
    """Write the events now, or queue them when the queue is on; the answer either way."""
    queue = _queue()
    if queue is not None and events:
        queue.accept(data, batch=batch, actor=actor, events=len(events), checked=events)
        return {"received": len(events), "queued": True, "changed": None, "counts": None, "audit_events": None,
                "first_seq": None, "last_seq": None}
    if not events:
        return {"received": 0, "queued": False, "changed": False, "counts": {}, "audit_events": 0,
                "first_seq": None, "last_seq": None}
    summary = openlineage.ingest(get_store(), events, actor=actor)
    return {"received": len(events), "queued": False, **summary.as_dict()}


_BODY = ("Read by the endpoint itself: `Content-Encoding: gzip` is accepted (at most 16 MiB once "
         "decompressed); unknown fields and facets are ignored; every problem is answered with its "
         "path and nothing is written. With the lineage queue on, a checked request is answered once it "
         "is on disk (`queued: true`) and applied a moment later.")
_REFUSED = {403: ("the credential lacks the 'lineage' scope (a feed's service token; 'admin' includes it)",
                  Refusal)}


@bp.post("/api/v1/lineage")
@operation("Apply one OpenLineage event (RunEvent, DatasetEvent or JobEvent)", answer=answers.LineageSummary,
           body=OpenLineageEvent, parse_body=False, status=201, description=_BODY, responses=_REFUSED)
@lineage_scope
def post_event(actor: str):
    _yield()
    data, events = _checked(batch=False)
    return _take(data, events, False, actor), 201


@bp.post("/api/v1/lineage/batch")
@operation("Apply a JSON array of OpenLineage events, all or nothing", answer=answers.LineageSummary,
           body=OpenLineageBatch, parse_body=False, description=_BODY, responses=_REFUSED)
@lineage_scope
def post_batch(actor: str):
    _yield()
    data, events = _checked(batch=True)
    return _take(data, events, True, actor)


@bp.get("/api/v1/lineage/status")
@operation("How lineage requests are taken, and how far the queue's writer is behind",
           answer=answers.LineageStatus, store=False)
def lineage_status():
    queue = _queue()
    return queue.status() if queue is not None else {"mode": "direct"}
