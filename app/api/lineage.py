"""OpenLineage endpoint: ``POST /api/v1/lineage`` (one event, 201 as Marquez answers) and
``POST /api/v1/lineage/batch`` (a JSON array, all or nothing, answered with a count).

Both read the body with ``ol_events`` (gzip accepted, bounded) and apply it through the
OpenLineage planner; a malformed event is a 400 naming every path, and writes nothing
(a 5xx would make the client retry a request that can never succeed).

Access: ``lineage_scope`` is the one guard both views sit behind. Until the access layer
lands it only names the actor (the caller's address); the access layer replaces its
body with the token check for the ``lineage`` scope and returns the token's identity.
"""

from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import Blueprint, jsonify, request

from graph_model.ingest import ol_events
from graph_model.ingest import openlineage

from ..storage import get_store

bp = Blueprint("api_lineage", __name__)


def lineage_scope(view: Callable) -> Callable:
    """Guard for the ``lineage`` scope; hands the view the actor to record."""
    @wraps(view)
    def guarded(*args, **kwargs):
        actor = f"api@{request.remote_addr or 'unknown'}"
        return view(*args, actor=actor, **kwargs)
    return guarded


def _events(batch: bool) -> list[ol_events.Event]:
    data = ol_events.read_body(request.get_data(), request.headers.get("Content-Encoding"))
    return ol_events.events(data, batch=batch)


@bp.post("/api/v1/lineage")
@lineage_scope
def post_event(actor: str):
    summary = openlineage.ingest(get_store(), _events(batch=False), actor=actor)
    return jsonify(summary.as_dict()), 201


@bp.post("/api/v1/lineage/batch")
@lineage_scope
def post_batch(actor: str):
    events = _events(batch=True)
    summary = openlineage.ingest(get_store(), events, actor=actor) if events else None
    body = {"received": len(events)}
    body.update(summary.as_dict() if summary else {"changed": False, "counts": {}, "audit_events": 0})
    return jsonify(body)
