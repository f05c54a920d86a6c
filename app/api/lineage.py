"""OpenLineage endpoint: ``POST /api/v1/lineage`` (one event, 201 as Marquez answers) and
``POST /api/v1/lineage/batch`` (a JSON array, all or nothing, answered with a count).

Both read the body with ``ol_events`` (gzip accepted, bounded) and apply it through the
OpenLineage planner; a malformed event is a 400 naming every path, and writes nothing
(a 5xx would make the client retry a request that can never succeed).

Access: ``lineage_scope`` is the one guard both views sit behind: the caller must hold
the ``lineage`` scope (a feed's service token; ``admin`` includes it), and the audit
events name that identity, the token and the client address.
"""

from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import Blueprint, request

from graph_model.errors import PermissionDenied
from graph_model.ingest import ol_events
from graph_model.ingest import openlineage

from ..access import current_principal
from ..storage import get_store
from . import answers
from .models import OpenLineageBatch, OpenLineageEvent, Refusal
from .operation import operation

bp = Blueprint("api_lineage", __name__)


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


def _events(batch: bool) -> list[ol_events.Event]:
    data = ol_events.read_body(request.get_data(), request.headers.get("Content-Encoding"))
    return ol_events.events(data, batch=batch)


_BODY = ("Read by the endpoint itself: `Content-Encoding: gzip` is accepted (at most 16 MiB once "
         "decompressed); unknown fields and facets are ignored; every problem is answered with its "
         "path and nothing is written.")
_REFUSED = {403: ("the credential lacks the 'lineage' scope (a feed's service token; 'admin' includes it)",
                  Refusal)}


@bp.post("/api/v1/lineage")
@operation("Apply one OpenLineage event (RunEvent, DatasetEvent or JobEvent)", answer=answers.WriteSummary,
           body=OpenLineageEvent, parse_body=False, status=201, description=_BODY, responses=_REFUSED)
@lineage_scope
def post_event(actor: str):
    summary = openlineage.ingest(get_store(), _events(batch=False), actor=actor)
    return summary.as_dict(), 201


@bp.post("/api/v1/lineage/batch")
@operation("Apply a JSON array of OpenLineage events, all or nothing", answer=answers.LineageBatchSummary,
           body=OpenLineageBatch, parse_body=False, description=_BODY, responses=_REFUSED)
@lineage_scope
def post_batch(actor: str):
    events = _events(batch=True)
    summary = openlineage.ingest(get_store(), events, actor=actor) if events else None
    body = {"received": len(events)}
    body.update(summary.as_dict() if summary else {"changed": False, "counts": {}, "audit_events": 0,
                                                   "first_seq": None, "last_seq": None})
    return body
