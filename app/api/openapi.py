"""The OpenAPI 3.1 document of the JSON API; request schemas come from the pydantic models."""

from __future__ import annotations

from functools import lru_cache

from graph_model import __version__
from graph_model.schema import Manifest

_PROBLEMS = {"type": "object", "properties": {
    "error": {"type": "string"},
    "problems": {"type": "array", "items": {"type": "object", "properties": {
        "path": {"type": "string"}, "message": {"type": "string"}}, "required": ["path", "message"]}}}}
_OL_NODE = {"type": "object", "required": ["namespace", "name"], "properties": {
    "namespace": {"type": "string"}, "name": {"type": "string"}, "facets": {"type": "object"}}}
_OL_EVENT = {
    "type": "object", "required": ["eventTime", "producer"],
    "description": "An OpenLineage event: a RunEvent has run, a DatasetEvent dataset, a JobEvent "
                   "neither. schemaURL or schemaUrl; run ids as UUIDs with or without dashes; "
                   "unknown facets are ignored (docs/lineage.md).",
    "properties": {
        "eventTime": {"type": "string", "format": "date-time"}, "producer": {"type": "string"},
        "schemaURL": {"type": "string"},
        "eventType": {"enum": ["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"]},
        "run": {"type": "object", "required": ["runId"], "properties": {
            "runId": {"type": "string"}, "facets": {"type": "object"}}},
        "job": _OL_NODE, "dataset": _OL_NODE,
        "inputs": {"type": "array", "items": _OL_NODE}, "outputs": {"type": "array", "items": _OL_NODE}}}
_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}


def _resp(description: str, schema: dict | None = None) -> dict:
    out: dict = {"description": description}
    if schema is not None:
        out["content"] = {"application/json": {"schema": schema}}
    return out


def _q(name: str, description: str, required: bool = False, type_: str = "string") -> dict:
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": {"type": type_}}


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    manifest_schema = Manifest.model_json_schema(ref_template="#/components/schemas/{model}")
    components = manifest_schema.pop("$defs", {})
    components["Manifest"] = manifest_schema
    components["Problems"] = _PROBLEMS
    components["Error"] = _ERROR
    components["OpenLineageEvent"] = _OL_EVENT
    problems = {"$ref": "#/components/schemas/Problems"}
    error = {"$ref": "#/components/schemas/Error"}
    unavailable = _resp("the graph store is unreachable", error)
    return {
        "openapi": "3.1.0",
        "info": {"title": "ownergraph", "version": __version__,
                 "description": "Lineage and ownership of ML artifacts: who owns what, whom to page."},
        "paths": {
            "/healthz": {"get": {"summary": "Liveness and store reachability", "responses": {
                "200": _resp("ok", {"type": "object", "properties": {
                    "status": {"const": "ok"}, "store": {"enum": ["falkordb", "neo4j"]}}}),
                "503": unavailable}}},
            "/api/v1/manifest": {"post": {
                "summary": "Ingest a catalog manifest (JSON or YAML) through the audited write path",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Manifest"}},
                    "application/yaml": {"schema": {"$ref": "#/components/schemas/Manifest"}}}},
                "responses": {
                    "200": _resp("what changed", {"type": "object", "properties": {
                        "changed": {"type": "boolean"}, "counts": {"type": "object"},
                        "audit_events": {"type": "integer"}}}),
                    "400": _resp("every problem of the manifest, each with its path", problems),
                    "503": unavailable}}},
            "/api/v1/artifacts/search": {"get": {
                "summary": "Search artifacts by uid, owner or team",
                "parameters": [_q("q", "text to find (case-insensitive)", True),
                               _q("limit", "at most this many results (1-200)", type_="integer")],
                "responses": {"200": _resp("matching artifacts"), "400": _resp("bad parameter", problems),
                              "503": unavailable}}},
            "/api/v1/artifact": {"get": {
                "summary": "One artifact: owners, team and escalation, versions, lineage, links",
                "parameters": [_q("uid", "artifact uid, namespace/name", True)],
                "responses": {"200": _resp("the artifact"), "400": _resp("bad parameter", problems),
                              "404": _resp("unknown uid", error), "503": unavailable}}},
            "/api/v1/incident": {"get": {
                "summary": "Upstream owners of a failing artifact and whom to page, in order",
                "parameters": [_q("artifact", "artifact uid", True),
                               _q("version", "start version (default: newest as of the time)"),
                               _q("depth", "hops upstream, 1-50 (default 10)", type_="integer"),
                               _q("as_of", "ISO-8601 time: ownership and versions as they were")],
                "responses": {"200": _resp("artifact, upstream, page list, notes, truncated"),
                              "400": _resp("bad depth, version or date", problems),
                              "404": _resp("unknown artifact or version", error), "503": unavailable}}},
            "/api/v1/impact": {"get": {
                "summary": "Everything derived from an artifact, grouped by kind, and whom to notify",
                "parameters": [_q("artifact", "artifact uid", True),
                               _q("version", "start version (default: every version)"),
                               _q("depth", "hops downstream, 1-50 (default 10)", type_="integer")],
                "responses": {"200": _resp("groups by kind, counts, notify list, truncated"),
                              "400": _resp("bad depth", problems),
                              "404": _resp("unknown artifact or version", error), "503": unavailable}}},
            "/api/v1/cypher": {"post": {
                "summary": "Run a read-only Cypher query (time limit and row cap apply; writes are refused)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["query"], "properties": {
                        "query": {"type": "string", "maxLength": 20000},
                        "params": {"type": "object", "description": "values for $parameters"}}}}}},
                "responses": {
                    "200": _resp("columns, rows (nodes and relationships as objects with _type), truncated "
                                 "(the row cap was hit), row_cap", {"type": "object", "properties": {
                                     "columns": {"type": "array", "items": {"type": "string"}},
                                     "rows": {"type": "array", "items": {"type": "array"}},
                                     "truncated": {"type": "boolean"}, "row_cap": {"type": "integer"},
                                     "timeout_ms": {"type": "integer"}, "elapsed_ms": {"type": "number"}},
                                     "required": ["columns", "rows", "truncated", "row_cap"]}),
                    "400": _resp("missing query, bad params, syntax error or time limit exceeded", problems),
                    "403": _resp("the query would write: refused, nothing changed", error),
                    "503": unavailable}}},
            "/api/v1/hotspots": {"get": {
                "summary": "Risk hotspots: artifacts ranked by impact x risk, each explained; people by bus factor",
                "parameters": [_q("limit", "rows in each list, 1-500 (default 50)", type_="integer"),
                               _q("kind", "only artifacts of this kind"),
                               _q("team", "only artifacts this team is accountable for")],
                "responses": {"200": _resp("artifacts (score, components, explanation), people, and "
                                           "declared_differences (owners a source declares that differ)"),
                              "400": _resp("bad limit or kind", problems),
                              "404": _resp("unknown team", error), "503": unavailable}}},
            "/api/v1/history": {"get": {
                "summary": "An artifact's versions, ownership changes over time and audit events",
                "parameters": [_q("artifact", "artifact uid", True)],
                "responses": {"200": _resp("versions, ownership, audit"),
                              "400": _resp("missing artifact", problems),
                              "404": _resp("unknown artifact", error), "503": unavailable}}},
            "/api/v1/compare": {"get": {
                "summary": "What differs between two versions: maps, upstream, commit, run",
                "parameters": [_q("a", "version uid, namespace/name@version", True),
                               _q("b", "version to compare with (default: the one before a)")],
                "responses": {"200": _resp("per-key differences, upstream added/removed, commit, run"),
                              "400": _resp("malformed version, or a has no previous version", problems),
                              "404": _resp("unknown version", error), "503": unavailable}}},
            "/api/v1/lineage": {"post": {
                "summary": "Record one OpenLineage event (RunEvent, DatasetEvent or JobEvent, spec 2-0-x) "
                           "through the audited write path; the same event twice changes nothing",
                "parameters": [{"name": "Content-Encoding", "in": "header", "required": False,
                                "schema": {"enum": ["gzip", "identity"]}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/OpenLineageEvent"}}}},
                "responses": {
                    "201": _resp("recorded (or already recorded: changed is false)", {
                        "type": "object", "properties": {
                            "changed": {"type": "boolean"}, "counts": {"type": "object"},
                            "audit_events": {"type": "integer"}}}),
                    "400": _resp("malformed event: every problem with its path; nothing written", problems),
                    "413": _resp("body larger than the limit", error),
                    "503": unavailable}}},
            "/api/v1/lineage/batch": {"post": {
                "summary": "Record a JSON array of OpenLineage events as one unit (all or nothing)",
                "parameters": [{"name": "Content-Encoding", "in": "header", "required": False,
                                "schema": {"enum": ["gzip", "identity"]}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "array", "maxItems": 5000,
                    "items": {"$ref": "#/components/schemas/OpenLineageEvent"}}}}},
                "responses": {
                    "200": _resp("how many events were received and what changed", {
                        "type": "object", "properties": {
                            "received": {"type": "integer"}, "changed": {"type": "boolean"},
                            "counts": {"type": "object"}, "audit_events": {"type": "integer"}},
                        "required": ["received"]}),
                    "400": _resp("a malformed event: every problem with its path ([i].run.runId); "
                                 "nothing written", problems),
                    "413": _resp("body larger than the limit", error),
                    "503": unavailable}}},
        },
        "components": {"schemas": components},
    }
