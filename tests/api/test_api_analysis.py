"""Hotspots, history and compare over HTTP, on both backends: 200, 400 and 404 answers."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from graph_model.ingest import manifest, parse

from ..analysis_manifests import risky
from ..manifests import small


@pytest.fixture
def risky_client(client, store):
    # dated relative to the real clock: the API measures staleness from now
    manifest.ingest(store, parse.validate(risky(datetime.now(timezone.utc))), actor="tester")
    return client


@pytest.fixture
def small_client(client, store):
    manifest.ingest(store, parse.validate(small()), actor="tester")
    return client


def test_hotspots(risky_client):
    r = risky_client.get("/api/v1/hotspots", query_string={"limit": 3})
    assert r.status_code == 200
    body = r.get_json()
    assert len(body["artifacts"]) == 3 and body["artifacts_at_risk"] == 13
    assert body["filters"] == {"kind": None, "team": None, "limit": 3}
    top = body["artifacts"][0]
    assert set(top) >= {"uid", "kind", "score", "components", "explanation"}
    assert [p["person"] for p in body["people"]] == ["ed", "di", "ana"]
    models = risky_client.get("/api/v1/hotspots?kind=model").get_json()["artifacts"]
    assert [m["uid"] for m in models] == ["models/b", "models/c"]
    assert models[0]["explanation"] == "1 deployment depends on it; primary owner cy is inactive; no steward"
    team = risky_client.get("/api/v1/hotspots?team=ml&limit=500").get_json()["artifacts"]
    assert {m["uid"] for m in team} == {"models/b", "models/c"}


@pytest.mark.parametrize("query, status, param", [
    ({"limit": "0"}, 400, "limit"), ({"limit": "501"}, 400, "limit"), ({"limit": "many"}, 400, "limit"),
    ({"kind": "rocket"}, 400, "kind"), ({"team": "nobody"}, 404, None),
])
def test_hotspots_errors(risky_client, query, status, param):
    r = risky_client.get("/api/v1/hotspots", query_string=query)
    assert r.status_code == status
    if param:
        assert r.get_json()["problems"][0]["path"] == param


def test_history(small_client):
    r = small_client.get("/api/v1/history", query_string={"artifact": "models/churn"})
    assert r.status_code == 200
    h = r.get_json()
    assert [v["version"] for v in h["versions"]] == ["1", "2"]
    assert {(e["id"], e["role"]) for e in h["ownership"]} == {("ana", "primary"), ("bo", "steward"),
                                                             ("ml", "team")}
    assert h["audit"] and all(e["target"].startswith("models/churn") for e in h["audit"])
    assert small_client.get("/api/v1/history?artifact=models/nope").status_code == 404
    missing = small_client.get("/api/v1/history")
    assert missing.status_code == 400 and missing.get_json()["problems"][0]["path"] == "artifact"


def test_compare(small_client):
    r = small_client.get("/api/v1/compare", query_string={"a": "models/churn@2"})
    assert r.status_code == 200
    d = r.get_json()
    assert d["b"]["uid"] == "models/churn@1" and d["b_is_previous"] is True
    assert d["hyperparameters"]["changed"] == {"depth": {"a": 8, "b": 6}}
    r = small_client.get("/api/v1/compare", query_string={"a": "models/churn@2", "b": "deploy/churn-api@7"})
    assert r.status_code == 200 and r.get_json()["same_artifact"] is False


@pytest.mark.parametrize("query, status, param", [
    ({}, 400, "a"), ({"a": "models/churn"}, 400, "a"), ({"a": "models/churn@1"}, 400, "b"),
    ({"a": "models/churn@2", "b": "nope"}, 400, "b"), ({"a": "models/churn@9"}, 404, None),
    ({"a": "models/churn@2", "b": "models/churn@9"}, 404, None),
])
def test_compare_errors(small_client, query, status, param):
    r = small_client.get("/api/v1/compare", query_string=query)
    assert r.status_code == status
    body = r.get_json()
    assert "error" in body
    if param:
        assert body["problems"][0]["path"] == param


def test_openapi_lists_the_analysis_paths(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/hotspots", "/api/v1/history", "/api/v1/compare"):
        assert "get" in paths[path] and paths[path]["get"]["responses"]["404"]
