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
from ..access import current_principal
from ..storage import get_store

bp = Blueprint("api", __name__)


@bp.get("/healthz")
@operation("Liveness and store reachability", answer=answers.Health,
           responses={503: ("the graph store is unreachable", answers.HealthDown)}, public=True)
def healthz():
    try:
        store = get_store()
        store.ping()
    except StoreUnavailable as e:
        return {"status": "unavailable", "error": str(e)}, 503
    return {"status": "ok", "store": store.backend}


@bp.get("/api/v1/openapi.json")
@operation("This OpenAPI 3.1 document", answer=answers.OpenAPIDocument, store=False, public=True)
def openapi():
    return openapi_document(current_app)


@bp.post("/api/v1/manifest")
@operation("Ingest a catalog manifest (JSON or YAML) through the audited write path",
           answer=answers.WriteSummary, body=Manifest, body_types=JSON_TYPES + YAML_TYPES,
           responses={400: ("the body is empty, or every problem of the manifest, each with its path "
                            "(references are checked beyond this schema)", Problems)})
def post_manifest():
    draft = parse.read_bytes(request.get_data(), "body")
    principal = current_principal()  # authenticated with a write scope (app.access.guard)
    summary = manifest_ingest.ingest(get_store(), draft, actor=principal.actor, principal=principal)
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
