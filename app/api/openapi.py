"""The OpenAPI 3.1 document, derived from the app's routes and their declared models.

Why derived and not typed by hand: the hand-typed document said ``uid`` was any string
while the view refused an empty one, and seven operations disagreed that way. Here
every path comes from the URL map (a route cannot be missing from the document), every
parameter and body schema from the model that validates it, and every response schema
from the model answers are checked against (``operation.py``). Pydantic writes the JSON
schemas (``models_json_schema``), which OpenAPI 3.1 takes as they are; no other library.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from graph_model import __version__

from .operation import Operation

REF = "#/components/schemas/{model}"
_HIDDEN_METHODS = {"HEAD", "OPTIONS"}


def operations(app: Flask) -> list[tuple[str, str, Operation]]:
    """(path, method, declaration) of every declared view, sorted by path then method."""
    out = []
    for rule in app.url_map.iter_rules():
        spec = getattr(app.view_functions.get(rule.endpoint), "api_operation", None)
        if spec is None:
            continue
        if "<" in rule.rule:
            raise ValueError(f"{rule.rule}: path parameters are not described yet")
        out.extend((rule.rule, m.lower(), spec) for m in sorted((rule.methods or set()) - _HIDDEN_METHODS))
    return sorted(out, key=lambda o: (o[0], o[1]))


def _param_schema(schema: dict) -> dict:
    """A query field's schema without pydantic's title and without the null branch of an
    optional field: an absent parameter is how a query string says "none"."""
    schema = {k: v for k, v in schema.items() if k != "title"}
    if "anyOf" in schema:
        branches = [b for b in schema.pop("anyOf") if b.get("type") != "null"]
        if len(branches) == 1:
            schema = branches[0] | schema
        else:
            schema["anyOf"] = branches
    if schema.get("default", 0) is None:
        del schema["default"]
    return schema


def _parameters(model: type[BaseModel], schema: dict) -> list[dict]:
    out = []
    for name, prop in schema.get("properties", {}).items():
        prop = _param_schema(prop)
        description = prop.pop("description", None)
        param = {"name": name, "in": "query", "required": name in schema.get("required", []), "schema": prop}
        if description:
            param["description"] = description
        out.append(param)
    return out


def build(app: Flask) -> dict:
    ops = operations(app)
    models: set[type[BaseModel]] = set()
    for _, _, spec in ops:
        models.update(m for _, m in spec.all_responses().values())
        models.update(m for m in (spec.query, spec.body) if m is not None)
    ordered = sorted(models, key=lambda m: m.__name__)
    refs, defs = models_json_schema([(m, "validation") for m in ordered], ref_template=REF)
    components = dict(sorted(defs.get("$defs", {}).items()))

    def ref(model: type[BaseModel]) -> dict:
        return refs[(model, "validation")]

    paths: dict[str, dict[str, Any]] = {}
    for path, method, spec in ops:
        op: dict[str, Any] = {"summary": spec.summary, "operationId": f"{method}_{path.strip('/').replace('/', '_').replace('.', '_')}"}
        if spec.description:
            op["description"] = spec.description
        if spec.public:
            op["security"] = []
        if spec.query is not None:
            query_schema = components.pop(spec.query.__name__, None) or spec.query.model_json_schema()
            op["parameters"] = _parameters(spec.query, query_schema)
        if spec.body is not None:
            op["requestBody"] = {"required": True, "content": {t: {"schema": ref(spec.body)}
                                                               for t in spec.body_types}}
        op["responses"] = {str(status): {"description": text,
                                         "content": {"application/json": {"schema": ref(model)}}}
                           for status, (text, model) in spec.all_responses().items()}
        paths.setdefault(path, {})[method] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "ownergraph", "version": __version__,
                 "description": "Lineage and ownership of ML artifacts: who owns what, whom to page. "
                                "A request this document allows is never refused with 400 for its "
                                "form; 400 then means a data-dependent problem (a manifest's "
                                "references, a Cypher error, a version with no predecessor)."},
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": {"bearer": {
            "type": "http", "scheme": "bearer",
            "description": "an API token (`ownergraph token create`); pages also accept a login "
                           "session, and reads need none when the server runs with --anonymous-read"}}},
        "security": [{"bearer": []}],
    }


def openapi_document(app: Flask) -> dict:
    """The document for ``app``, built once per app."""
    doc = app.extensions.get("ownergraph_openapi")
    if doc is None:
        doc = app.extensions["ownergraph_openapi"] = build(app)
    return doc
