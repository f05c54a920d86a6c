"""Incident and impact over HTTP: answers, 400s naming the parameter, 404s."""

from __future__ import annotations

from graph_model.ingest import manifest, parse

from ..contract.test_incident import LOADED, PEOPLE, TEAMS, diamond


def _load(store):
    data = {"people": PEOPLE, "teams": TEAMS, "artifacts": diamond(recent_two_hops=True)}
    manifest.ingest(store, parse.validate(data), actor="t", at=LOADED)


def test_incident_endpoint(client, store):
    _load(store)
    r = client.get("/api/v1/incident", query_string={"artifact": "deploy/api", "as_of": "2026-11-20T12:00:00Z"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["page"][0]["person"]["id"] == "dora" and body["truncated"] is False
    assert [u["uid"] for u in body["upstream"]][:1] == ["models/m"]
    r = client.get("/api/v1/incident", query_string={"artifact": "deploy/api", "depth": 1})
    assert r.get_json()["truncated"] is True


def test_incident_errors_name_the_parameter(client, store):
    _load(store)
    for args, name in [({"artifact": "deploy/api", "depth": "ten"}, "depth"),
                       ({"artifact": "deploy/api", "depth": "51"}, "depth"),
                       ({"artifact": "deploy/api", "as_of": "yesterday"}, "as_of"),
                       ({}, "artifact")]:
        r = client.get("/api/v1/incident", query_string=args)
        assert r.status_code == 400, args
        assert r.get_json()["problems"][0]["path"] == name
    assert client.get("/api/v1/incident?artifact=deploy/nope").status_code == 404
    r = client.get("/api/v1/incident", query_string={"artifact": "deploy/api", "version": "9"})
    assert r.status_code == 404 and "deploy/api@9" in r.get_json()["error"]


def test_impact_endpoint(client, store):
    _load(store)
    body = client.get("/api/v1/impact", query_string={"artifact": "raw/r"}).get_json()
    assert body["counts"]["total"] == 4 and body["groups"][0]["kind"] == "deployment"
    assert client.get("/api/v1/impact", query_string={"artifact": "raw/r", "depth": "0"}).status_code == 400
    assert client.get("/api/v1/impact", query_string={"artifact": "raw/zzz"}).status_code == 404
