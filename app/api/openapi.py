"""The OpenAPI 3.1 document, derived from the app's routes and their declared models.

Why derived and not typed by hand: the hand-typed document said ``uid`` was any string
while the view refused an empty one, and seven operations disagreed that way. Here
every path comes from the URL map (a route cannot be missing from the document), every
parameter and body schema from the model that validates it, and every response schema
from the model answers are checked against (``operation.py``). Pydantic writes the JSON
schemas (``models_json_schema``), which OpenAPI 3.1 takes as they are; no other library.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from graph_model import __version__

from .operation import Operation

REF = "#/components/schemas/{model}"
_HIDDEN_METHODS = {"HEAD", "OPTIONS"}
_FLASK_PARAM = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


def template(rule: str) -> str:
    """Flask's ``/handoffs/<hid>/accept`` (or ``<string:hid>``) as OpenAPI's ``/handoffs/{hid}/accept``."""
    return _FLASK_PARAM.sub(r"{\1}", rule)


def operations(app: Flask) -> list[tuple[str, str, Operation]]:
    """(path, method, declaration) of every declared view, sorted by path then method.

    A route's parameters and its declared path model must name the same fields: an
    undescribed parameter (or a described one the route lacks) is refused here, so the
    document cannot be built wrong."""
    out = []
    for rule in app.url_map.iter_rules():
        spec = getattr(app.view_functions.get(rule.endpoint), "api_operation", None)
        if spec is None:
            continue
        described = set(spec.path.model_fields) if spec.path is not None else set()
        if set(rule.arguments) != described:
            raise ValueError(f"{rule.rule}: path parameters {sorted(rule.arguments)} but the declaration "
                             f"describes {sorted(described)}")
        out.extend((template(rule.rule), m.lower(), spec)
                   for m in sorted((rule.methods or set()) - _HIDDEN_METHODS))
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


def _parameters(schema: dict, where: str = "query") -> list[dict]:
    out = []
    for name, prop in schema.get("properties", {}).items():
        prop = _param_schema(prop)
        description = prop.pop("description", None)
        # a path parameter is always required (OpenAPI 3.1, 4.8.12.1)
        required = where == "path" or name in schema.get("required", [])
        param = {"name": name, "in": where, "required": required, "schema": prop}
        if description:
            param["description"] = description
        out.append(param)
    return out


def _operation_id(method: str, path: str) -> str:
    """``post_api_v1_handoffs_hid_accept`` for POST /api/v1/handoffs/{hid}/accept."""
    return f"{method}_" + re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_")


def build(app: Flask) -> dict:
    ops = operations(app)
    models: set[type[BaseModel]] = set()
    for _, _, spec in ops:
        models.update(m for _, m in spec.all_responses().values())
        models.update(m for m in (spec.path, spec.query, spec.body) if m is not None)
    ordered = sorted(models, key=lambda m: m.__name__)
    refs, defs = models_json_schema([(m, "validation") for m in ordered], ref_template=REF)
    components = dict(sorted(defs.get("$defs", {}).items()))

    def ref(model: type[BaseModel]) -> dict:
        return refs[(model, "validation")]

    paths: dict[str, dict[str, Any]] = {}
    for path, method, spec in ops:
        op: dict[str, Any] = {"summary": spec.summary, "operationId": _operation_id(method, path)}
        if spec.description:
            op["description"] = spec.description
        if spec.public:
            op["security"] = []
        parameters = []
        for model, where in ((spec.path, "path"), (spec.query, "query")):
            if model is not None:
                schema = components.pop(model.__name__, None) or model.model_json_schema()
                parameters += _parameters(schema, where)
        if parameters:
            op["parameters"] = parameters
        if spec.body is not None:
            op["requestBody"] = {"required": spec.body_required,
                                 "content": {t: {"schema": ref(spec.body)} for t in spec.body_types}}
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
