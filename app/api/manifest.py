"""JSON API under ``/api/v1`` (and ``/healthz``): parse, call a service, return JSON."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from graph_model.errors import StoreUnavailable
from graph_model.ingest import manifest as manifest_ingest
from graph_model.ingest import parse
from graph_model.services import artifacts

from .openapi import openapi_document
from ..access import current_principal
from ..params import int_arg, required_arg
from ..storage import get_store

bp = Blueprint("api", __name__)


@bp.get("/healthz")
def healthz():
    try:
        store = get_store()
        store.ping()
    except StoreUnavailable as e:
        return jsonify({"status": "unavailable", "error": str(e)}), 503
    return jsonify({"status": "ok", "store": store.backend})


@bp.get("/api/v1/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.post("/api/v1/manifest")
def post_manifest():
    draft = parse.read_bytes(request.get_data(), "body")
    principal = current_principal()  # authenticated with a write scope (app.access.guard)
    summary = manifest_ingest.ingest(get_store(), draft, actor=principal.actor, principal=principal)
    return jsonify(summary.as_dict())


@bp.get("/api/v1/artifacts/search")
def search():
    q = request.args.get("q", "")
    return jsonify({"q": q, "results": artifacts.search(get_store(), q, int_arg("limit", 20))})


@bp.get("/api/v1/artifact")
def artifact():
    return jsonify(artifacts.show(get_store(), required_arg("uid")))
