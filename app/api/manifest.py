"""JSON API under ``/api/v1`` (and ``/healthz``): parse, call a service, return JSON."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from graph_model.errors import Problem, StoreUnavailable, ValidationFailed
from graph_model.ingest import manifest as manifest_ingest
from graph_model.ingest import parse
from graph_model.schema import Manifest
from graph_model.services import artifacts

from . import answers
from .models import ArtifactQuery, Problems, SearchQuery
from .openapi import openapi_document
from .operation import JSON_TYPES, YAML_TYPES, operation
from ..storage import get_store

bp = Blueprint("api", __name__)


def _actor() -> str:
    """Who made an API change, until authentication exists: the caller's address."""
    return f"api@{request.remote_addr or 'unknown'}"


@bp.get("/healthz")
@operation("Liveness and store reachability", answer=answers.Health,
           responses={503: ("the graph store is unreachable", answers.HealthDown)})
def healthz():
    try:
        store = get_store()
        store.ping()
    except StoreUnavailable as e:
        return {"status": "unavailable", "error": str(e)}, 503
    return {"status": "ok", "store": store.backend}


@bp.get("/api/v1/openapi.json")
@operation("This OpenAPI 3.1 document", answer=answers.OpenAPIDocument, store=False)
def openapi():
    return openapi_document(current_app)


@bp.post("/api/v1/manifest")
@operation("Ingest a catalog manifest (JSON or YAML) through the audited write path",
           answer=answers.WriteSummary, body=Manifest, body_types=JSON_TYPES + YAML_TYPES,
           responses={400: ("the body is empty, or every problem of the manifest, each with its path "
                            "(references are checked beyond this schema)", Problems)})
def post_manifest():
    data = parse.parse_text(request.get_data(as_text=True), "body")
    if data is None:
        raise ValidationFailed([Problem("body", "is empty: send a manifest with people, teams or artifacts")])
    summary = manifest_ingest.ingest(get_store(), parse.validate(data), actor=_actor())
    return summary.as_dict()


@bp.get("/api/v1/artifacts/search")
@operation("Search artifacts by uid, owner or team", answer=answers.SearchAnswer, query=SearchQuery)
def search(args: SearchQuery):
    return {"q": args.q, "results": artifacts.search(get_store(), args.q, args.limit)}


@bp.get("/api/v1/artifact")
@operation("One artifact: owners, team and escalation, versions, lineage, links",
           answer=answers.ArtifactCard, query=ArtifactQuery,
           responses={404: "unknown uid"})
def artifact(args: ArtifactQuery):
    return artifacts.show(get_store(), args.uid)
