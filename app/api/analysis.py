"""Analysis endpoints: risk hotspots, an artifact's history, and version comparison.

Views stay thin: parse the query string with ``params``, call the service, return its
answer; the services raise ``BadParameter`` / ``NotFound`` and ``errors`` maps them.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from graph_model.services import compare as compare_service
from graph_model.services import history as history_service
from graph_model.services import hotspot_cache
from graph_model.services import hotspots as hotspots_service

from ..params import int_arg, optional_arg, required_arg
from ..storage import get_store

bp = Blueprint("api_analysis", __name__)


@bp.get("/api/v1/hotspots")
def hotspots():
    limit = int_arg("limit", 50, 1, hotspots_service.LIMIT_MAX)
    return jsonify(hotspot_cache.cached_hotspots(get_store(), limit=limit, kind=optional_arg("kind"),
                                                 team=optional_arg("team")))


@bp.get("/api/v1/history")
def history():
    return jsonify(history_service.history(get_store(), required_arg("artifact")))


@bp.get("/api/v1/compare")
def compare():
    return jsonify(compare_service.compare(get_store(), required_arg("a"), optional_arg("b")))
