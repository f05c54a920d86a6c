"""Analysis endpoints: risk hotspots, an artifact's history, and version comparison.

Views stay thin: ``@operation`` validates the query string against its model, the view
calls the service and returns its answer; the services raise ``NotFound`` (and, for a
version with no predecessor, ``BadParameter``) and ``errors`` maps them.
"""

from __future__ import annotations

from flask import Blueprint

from graph_model.services import compare as compare_service
from graph_model.services import history as history_service
from graph_model.services import hotspot_cache

from . import answers
from .models import CompareQuery, HistoryQuery, HotspotsQuery, Problems
from .operation import operation
from ..storage import get_store

bp = Blueprint("api_analysis", __name__)


@bp.get("/api/v1/hotspots")
@operation("Risk hotspots: artifacts ranked by impact x risk, each explained; people by bus factor",
           answer=answers.HotspotsAnswer, query=HotspotsQuery, responses={404: "unknown team"})
def hotspots(args: HotspotsQuery):
    return hotspot_cache.cached_hotspots(get_store(), limit=args.limit,
                                         kind=args.kind.value if args.kind else None, team=args.team)


@bp.get("/api/v1/history")
@operation("An artifact's versions, ownership changes over time and audit events",
           answer=answers.HistoryAnswer, query=HistoryQuery, responses={404: "unknown artifact"})
def history(args: HistoryQuery):
    return history_service.history(get_store(), args.artifact)


@bp.get("/api/v1/compare")
@operation("What differs between two versions: maps, upstream, commit, run",
           answer=answers.CompareAnswer, query=CompareQuery,
           responses={400: ("a parameter breaks a rule of this document, or b is absent and a is the "
                            "first version of its artifact (nothing to compare it with)", Problems),
                      404: "unknown version"})
def compare(args: CompareQuery):
    return compare_service.compare(get_store(), args.a, args.b)
