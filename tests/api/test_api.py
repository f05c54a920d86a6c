"""The JSON API over a real store of each backend: 200, 400, 404 and 503 answers."""

from __future__ import annotations

import json

import yaml

from app import create_app
from graph_model.store import StoreConfig

from ..manifests import small


def test_healthz(client, store):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok", "store": store.backend}


def test_post_manifest_json_then_yaml_is_a_noop(admin_client):
    client = admin_client
    r = client.post("/api/v1/manifest", data=json.dumps(small()), content_type="application/json")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["changed"] and body["counts"]["artifact.create"] == 4
    r = client.post("/api/v1/manifest", data=yaml.safe_dump(small()), content_type="application/yaml")
    assert r.status_code == 200 and r.get_json()["changed"] is False


def test_post_manifest_problems_are_400_with_paths(admin_client):
    client = admin_client
    data = small()
    data["artifacts"][1]["owner"] = "nobody"
    data["artifacts"][3]["kind"] = "rocket"
    r = client.post("/api/v1/manifest", data=json.dumps(data), content_type="application/json")
    assert r.status_code == 400
    paths = {p["path"] for p in r.get_json()["problems"]}
    assert {"artifacts[3].kind", "artifacts[1].owner"} <= paths  # schema and references at once
    r = client.post("/api/v1/manifest", data="people: [", content_type="application/yaml")
    assert r.status_code == 400 and "malformed YAML" in r.get_json()["problems"][0]["message"]
    assert client.get("/api/v1/artifact?uid=models/churn").status_code == 404


def test_post_manifest_refuses_empty_and_non_utf8_bodies(admin_client):
    client = admin_client
    for body in (b"", b"  \n# only a comment\n"):
        r = client.post("/api/v1/manifest", data=body, content_type="application/yaml")
        assert r.status_code == 400 and "empty" in r.get_json()["problems"][0]["message"]
    r = client.post("/api/v1/manifest", data=b"people: [{id: a, name: \xff}]", content_type="application/yaml")
    assert r.status_code == 400 and "UTF-8" in r.get_json()["problems"][0]["message"]
    assert client.get("/api/v1/artifact?uid=models/churn").status_code == 404


def test_artifact_and_search(admin_client):
    client = admin_client
    client.post("/api/v1/manifest", data=json.dumps(small()), content_type="application/json")
    r = client.get("/api/v1/artifact", query_string={"uid": "models/churn"})
    assert r.status_code == 200
    card = r.get_json()
    assert card["owner"]["id"] == "ana" and card["team"]["escalation"][0]["id"] == "bo"
    r = client.get("/api/v1/artifact", query_string={"uid": "models/nope"})
    assert r.status_code == 404 and "models/nope" in r.get_json()["error"]
    assert client.get("/api/v1/artifact").status_code == 400
    hits = client.get("/api/v1/artifacts/search", query_string={"q": "Bo Ch"}).get_json()["results"]
    assert {h["uid"] for h in hits} == {"models/churn", "deploy/churn-api"}  # owner or steward Bo Chen
    hits = client.get("/api/v1/artifacts/search", query_string={"q": "data eng"}).get_json()["results"]
    assert {h["uid"] for h in hits} == {"raw/events", "features/user"}
    hits = client.get("/api/v1/artifacts/search", query_string={"q": "CHURN"}).get_json()["results"]
    assert {h["uid"] for h in hits} == {"models/churn", "deploy/churn-api"}
    assert client.get("/api/v1/artifacts/search", query_string={"q": ""}).status_code == 400
    assert client.get("/api/v1/artifacts/search", query_string={"q": "x", "limit": "lots"}).status_code == 400


def test_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert {"/healthz", "/api/v1/manifest", "/api/v1/artifact", "/api/v1/artifacts/search"} <= set(doc["paths"])
    assert "Manifest" in doc["components"]["schemas"]


def test_unreachable_store_is_503():
    app = create_app({"TESTING": True, "OWNERGRAPH_ANONYMOUS_READ": True, "OWNERGRAPH_STORE_CONFIG": StoreConfig(
        backend="neo4j", neo4j_uri="bolt://127.0.0.1:9", neo4j_password="x")})
    client = app.test_client()
    r = client.get("/healthz")
    assert r.status_code == 503 and r.get_json()["status"] == "unavailable"
    r = client.get("/api/v1/artifact?uid=a/b")
    assert r.status_code == 503 and "Traceback" not in r.get_data(as_text=True)
