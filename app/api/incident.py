"""Incident and impact endpoints: the questions other systems ask during an incident."""

from __future__ import annotations

from flask import Blueprint, jsonify

from graph_model.services import impact as impact_service
from graph_model.services import incident as incident_service

from ..params import instant_arg, int_arg, optional_arg, required_arg
from ..storage import get_store

bp = Blueprint("api_incident", __name__)


@bp.get("/api/v1/incident")
def incident():
    return jsonify(incident_service.incident(
        get_store(), required_arg("artifact"), version=optional_arg("version"),
        depth=int_arg("depth", None), as_of=instant_arg("as_of")))


@bp.get("/api/v1/impact")
def impact():
    return jsonify(impact_service.impact(
        get_store(), required_arg("artifact"), version=optional_arg("version"),
        depth=int_arg("depth", None)))
