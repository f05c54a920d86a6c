"""The OpenAPI document and the validation agree: what it allows is accepted, what it
forbids is refused with 400, 405 names the allowed methods, bodies of another type are
415, and answers are checked against their declared models.

Engine-independent (like the schemathesis run), so on the embedded engine only.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import create_app
from app.api.models import HANDOFF_ID_PATTERN, OPTIONAL_TEXT_PATTERN, TEXT_PATTERN, VERSION_REF_PATTERN
from app.api.openapi import openapi_document, template
from app.api.operation import check_answer
from graph_model.errors import BadParameter
from graph_model.ingest import manifest, parse
from graph_model.services.compare import parse_version_ref
from graph_model.store.falkordb_store import FalkorDBStore

from ..conftest import admin_token
from ..manifests import small


@pytest.fixture(scope="module")
def app(falkordb_socket):
    store = FalkorDBStore(socket_path=falkordb_socket, graph=f"t_{uuid.uuid4().hex[:12]}")
    store.ensure_schema()
    manifest.ingest(store, parse.validate(small()), actor="tester")
    app = create_app({"TESTING": True, "OWNERGRAPH_STORE_OBJECT": store})
    app.config["TEST_ADMIN_TOKEN"] = admin_token(store)
    yield app
    store.clear()
    store.close()


@pytest.fixture(scope="module")
def client(app):
    """Every request with an admin token: this module checks forms, not rights."""
    c = app.test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + app.config["TEST_ADMIN_TOKEN"]
    return c


@pytest.fixture(scope="module")
def doc(client):
    return client.get("/api/v1/openapi.json").get_json()


def allows(schema: dict, components: dict, value) -> bool:
    """Whether ``schema`` (the keywords this document uses) accepts ``value``; query
    values arrive as text, so an integer is its decimal text."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if "enum" in schema and value not in schema["enum"]:
        return False
    if schema.get("type") == "integer":
        if not isinstance(value, int) and not re.fullmatch(r"-?[0-9]+", str(value)):
            return False
        number = int(value)
        return schema.get("minimum", number) <= number <= schema.get("maximum", number)
    if schema.get("type") == "string":
        if not isinstance(value, str) or len(value) < schema.get("minLength", 0):
            return False
        if len(value) > schema.get("maxLength", len(value)):
            return False
        return "pattern" not in schema or re.search(schema["pattern"], value) is not None
    return True


def param_schema(doc: dict, path: str, name: str) -> dict:
    return next(p["schema"] for p in doc["paths"][path]["get"]["parameters"] if p["name"] == name)


# the seven disagreements schemathesis found in the hand-typed document: each value
# was allowed by the document and refused by the API
SEVEN = [
    ("/api/v1/artifact", {"uid": ""}, "uid"),
    ("/api/v1/artifacts/search", {"q": ""}, "q"),
    ("/api/v1/history", {"artifact": ""}, "artifact"),
    ("/api/v1/compare", {"a": ""}, "a"),
    ("/api/v1/artifacts/search", {"q": "churn", "limit": "0"}, "limit"),
    ("/api/v1/incident", {"artifact": "deploy/churn-api", "depth": "0"}, "depth"),
]


@pytest.mark.parametrize("path, query, name", SEVEN)
def test_values_the_api_refuses_are_forbidden_by_the_document(client, doc, path, query, name):
    r = client.get(path, query_string=query)
    assert r.status_code == 400 and r.get_json()["problems"][0]["path"] == name
    assert not allows(param_schema(doc, path, name), doc["components"]["schemas"], query[name])


@pytest.mark.parametrize("path, query, name", [
    ("/api/v1/artifact", {"uid": "models/a\x00b"}, "uid"),
    ("/api/v1/incident", {"artifact": "deploy/churn-api", "version": "7\x00"}, "version"),
    ("/api/v1/hotspots", {"team": "ml\x00"}, "team"),
])
def test_control_characters_are_refused_before_the_engine(client, doc, path, query, name):
    """A NUL in ``uid`` reached the engine's parameter header and answered 500."""
    r = client.get(path, query_string=query)
    assert r.status_code == 400 and r.get_json()["problems"][0]["path"] == name
    assert not allows(param_schema(doc, path, name), doc["components"]["schemas"], query[name])


def test_an_empty_cypher_query_is_forbidden_by_the_document(client, doc):
    r = client.post("/api/v1/cypher", json={"query": ""})
    assert r.status_code == 400 and r.get_json()["problems"][0]["path"] == "query"
    body = doc["paths"]["/api/v1/cypher"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    query = doc["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]["properties"]["query"]
    assert not allows(query, {}, "") and not allows(query, {}, "  \n") and allows(query, {}, "RETURN 1")
    multi_line = "MATCH (a:Artifact)\n\tWHERE a.kind = 'model'\nRETURN count(a) AS n"
    assert allows(query, {}, multi_line)
    r = client.post("/api/v1/cypher", json={"query": multi_line})
    assert r.status_code == 200 and r.get_json()["rows"] == [[1]]


@pytest.mark.parametrize("path, query", [
    ("/api/v1/artifacts/search", {"q": "churn", "limit": "200"}),
    ("/api/v1/incident", {"artifact": "deploy/churn-api", "depth": "50", "as_of": "2999-01-01t00:00:00z"}),
    ("/api/v1/impact", {"artifact": " raw/events ", "depth": "1", "version": ""}),
    ("/api/v1/hotspots", {"limit": "500", "kind": "model", "team": ""}),
    ("/api/v1/compare", {"a": "models/churn@2", "b": " models/churn@1 "}),
])
def test_values_the_document_allows_are_accepted(client, doc, path, query):
    for name, value in query.items():
        assert allows(param_schema(doc, path, name), doc["components"]["schemas"], value), (name, value)
    r = client.get(path, query_string=query)
    assert r.status_code == 200, r.get_json()


@pytest.mark.parametrize("text", ["2999-01-01t00:00:00z", "2999-12-31T23:59:60Z", "2999-01-01T00:00:00.123456789+05:30",
                                  "2999-01-01T00:00:00-00:00"])
def test_every_rfc3339_form_of_as_of_is_accepted(client, text):
    r = client.get("/api/v1/incident", query_string={"artifact": "deploy/churn-api", "as_of": text})
    assert r.status_code == 200, r.get_json()


def test_integer_bounds_are_json_schema_keywords(doc):
    """A validator placed before pydantic's bounds once turned them into 'ge'/'le'."""
    text = json.dumps(doc)
    for key in ("ge", "le", "gt", "lt"):
        assert f'"{key}":' not in text
    assert param_schema(doc, "/api/v1/incident", "depth") == {"type": "integer", "minimum": 1, "maximum": 50}


@pytest.mark.parametrize("method, path, allowed", [
    ("put", "/api/v1/artifact", "GET"), ("get", "/api/v1/manifest", "POST"),
    ("delete", "/api/v1/cypher", "POST"), ("post", "/healthz", "GET"),
])
def test_405_names_the_allowed_methods(client, method, path, allowed):
    r = getattr(client, method)(path)
    assert r.status_code == 405 and r.is_json
    assert allowed in {m.strip() for m in r.headers["Allow"].split(",")}


def test_405_on_a_page_keeps_its_allow_header(client):
    r = client.put("/hotspots")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]


@pytest.mark.parametrize("data", ["", "   \n", "# only a comment\n"])
def test_an_empty_manifest_body_is_400(client, data):
    r = client.post("/api/v1/manifest", data=data, content_type="application/yaml")
    assert r.status_code == 400
    assert r.get_json()["problems"][0]["path"] == "body"


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_manifest_of_another_type_is_415(client, content_type):
    kwargs = {"content_type": content_type} if content_type else {}
    r = client.post("/api/v1/manifest", data=json.dumps(small()), **kwargs)
    assert r.status_code == 415 and "application/yaml" in r.get_json()["error"]


@pytest.mark.parametrize("content_type", ["application/json", "application/yaml", "application/x-yaml",
                                          "text/yaml", "application/json; charset=utf-8"])
def test_manifest_media_types(client, content_type):
    r = client.post("/api/v1/manifest", data=json.dumps(small()), content_type=content_type)
    assert r.status_code == 200 and r.get_json()["changed"] is False


def test_every_api_route_is_declared(app, doc):
    undeclared = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.rule == "/healthz":
            if not hasattr(app.view_functions[rule.endpoint], "api_operation"):
                undeclared.add(rule.rule)
                continue
            methods = {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}}
            assert methods <= set(doc["paths"][template(rule.rule)]), rule.rule
    assert undeclared == set()


def test_path_parameters_are_described(client, doc):
    accept = doc["paths"]["/api/v1/handoffs/{hid}/accept"]["post"]
    assert accept["parameters"] == [{
        "name": "hid", "in": "path", "required": True, "description": "the handoff's id, as opening it answered",
        "schema": {"type": "string", "maxLength": 64, "pattern": HANDOFF_ID_PATTERN, "examples": ["ho-0a1b2c3d4e"]}}]
    assert template("/a/<hid>/b/<int:n>") == "/a/{hid}/b/{n}"
    for path, params in ((p, [x for op in ops.values() for x in op.get("parameters", []) if x["in"] == "path"])
                         for p, ops in doc["paths"].items()):
        assert {x["name"] for x in params} == set(re.findall(r"{(\w+)}", path)), path
    r = client.post("/api/v1/handoffs/ho-nope/accept", json={"checklist": {}})
    assert r.status_code == 404 and "ho-nope" in r.get_json()["error"]
    r = client.post("/api/v1/handoffs/ho%01x/cancel")            # a control character never reaches the engine
    assert r.status_code == 400 and r.get_json()["problems"][0]["path"] == "hid"
    assert not allows(accept["parameters"][0]["schema"], {}, "ho\x01x")


def test_a_route_parameter_without_a_description_is_refused():
    from flask import Flask

    from app.api.models import HandoffsQuery
    from app.api.openapi import operations
    from app.api.operation import operation
    from app.api import answers

    app = Flask(__name__)

    @app.get("/x/<hid>")
    @operation("x", answer=answers.Handoff, query=HandoffsQuery)
    def x(hid, args):
        return {}

    with pytest.raises(ValueError, match=r"/x/<hid>: path parameters \['hid'\]"):
        operations(app)


def test_answers_are_checked_against_their_model(app):
    spec = app.view_functions["api.healthz"].api_operation
    with app.test_request_context("/healthz"):
        check_answer(spec, 200, {"status": "ok", "store": "falkordb"})
        for bad in ({"status": "ok"}, {"status": "ok", "store": "falkordb", "extra": 1},
                    {"status": "fine", "store": "falkordb"}):
            with pytest.raises(RuntimeError, match="does not match Health"):
                check_answer(spec, 200, bad)
        with pytest.raises(RuntimeError, match="does not declare"):
            check_answer(spec, 418, {})


# The patterns restate rules written in code elsewhere; these keep them in step.

@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.from_regex(VERSION_REF_PATTERN))
def test_every_version_ref_the_pattern_allows_is_parsed(text):
    parse_version_ref("a", text)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet=st.sampled_from("ab/@1. \t\x00-_:+") | st.characters(), max_size=30))
def test_every_version_ref_parsed_matches_the_pattern(text):
    try:
        parse_version_ref("a", text)
    except BadParameter:
        return
    assert re.search(VERSION_REF_PATTERN, text)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(max_size=20))
def test_text_patterns_mean_what_they_say(text):
    # Python's '$' also matches before one final newline, which strip() removes
    body = text[:-1] if text.endswith("\n") else text
    control = re.search(r"[\x00-\x1f\x7f]", body) is not None
    assert (re.search(TEXT_PATTERN, text) is not None) == (bool(body.strip()) and not control)
    assert (re.search(OPTIONAL_TEXT_PATTERN, text) is not None) == (not control)


def test_public_operations_are_the_guards_public_endpoints(app):
    """The document says which operations need no credential; the guard decides it: one list."""
    from app.access.guard import PUBLIC_ENDPOINTS
    declared = {rule.endpoint for rule in app.url_map.iter_rules()
                if getattr(getattr(app.view_functions.get(rule.endpoint), "api_operation", None),
                           "public", False)}
    api_public = {e for e in PUBLIC_ENDPOINTS if e.startswith("api.")}
    assert declared == api_public == {"api.healthz", "api.openapi"}
