"""Incident records, knowledge links and playbooks over the API: the round trip, who may
write (401 without a credential, 403 without the write scope or as an inactive person),
and bad input (400 naming the field, nothing written)."""

from __future__ import annotations

import pytest

from tests.conftest import issue_token

from .test_access import make_client, org  # noqa: F401  (the shared catalog fixture)

PM = "https://wiki.example.com/postmortems/42"


@pytest.fixture
def tokens(org):  # noqa: F811
    out = {p: {"Authorization": "Bearer " + issue_token(org, p, ["read", "write"], name=f"{p}-w")}
           for p in ("ana", "bo", "di")}
    out["reader"] = {"Authorization": "Bearer " + issue_token(org, "bo", ["read"], name="bo-r")}
    out["feed"] = {"Authorization": "Bearer " + issue_token(org, "bo", ["read", "lineage"], name="bo-l")}
    return out


def head(store) -> int:
    return store.read("audit_head")[0]["seq"]


def _open(c, who, **body):
    return c.post("/api/v1/incidents", json={"artifact": "deploy/churn-api", "title": "churn-api 5xx",
                                             "severity": "sev2", **body}, headers=who)


def test_open_append_resolve_and_list(org, tokens):  # noqa: F811
    c = make_client(org)
    r = _open(c, tokens["di"])
    assert r.status_code == 201, r.get_json()
    rec = r.get_json()
    assert rec["opened_by"] == "di" and rec["touched"][0] == "deploy/churn-api"
    assert [u["uid"] for u in rec["snapshot"]["upstream"]] == ["models/churn", "features/user", "raw/events"]
    url = f"/api/v1/incidents/{rec['id']}"
    r = c.post(url + "/timeline", json={"type": "paged", "text": "paged bo"}, headers=tokens["bo"])
    assert r.status_code == 200 and r.get_json()["timeline"][0]["author"] == "bo"
    r = c.post(url + "/resolve", json={"postmortem": PM, "summary": "stale features"}, headers=tokens["ana"])
    assert r.status_code == 200 and r.get_json()["status"] == "resolved"
    r = c.post(url + "/timeline", json={"type": "note", "text": "late"}, headers=tokens["bo"])
    assert r.status_code == 400 and r.get_json()["problems"][0]["path"] == "incident"
    got = c.get(url, headers=tokens["reader"]).get_json()
    assert [e["type"] for e in got["timeline"]] == ["paged"] and got["postmortem"] == PM
    listed = c.get("/api/v1/incidents?artifact=raw/events&status=resolved", headers=tokens["reader"]).get_json()
    assert [(i["id"], i["role"]) for i in listed["incidents"]] == [(rec["id"], "upstream")]
    assert c.get("/api/v1/incidents?status=open", headers=tokens["reader"]).get_json()["incidents"] == []
    found = c.get("/api/v1/knowledge?q=POSTMORTEM", headers=tokens["reader"]).get_json()["links"]
    assert [(k["artifact"], k["url"], k["incident"]) for k in found] == [("deploy/churn-api", PM, rec["id"])]
    assert c.get("/api/v1/incidents/inc-00", headers=tokens["reader"]).status_code == 404


def test_knowledge_and_playbook_endpoints(org, tokens):  # noqa: F811
    c = make_client(org)
    r = c.post("/api/v1/knowledge", json={"artifact": "models/churn", "kind": "howto", "title": "Retrain churn",
                                          "url": "https://wiki.example.com/howto/retrain"}, headers=tokens["di"])
    assert r.status_code == 201 and r.get_json()["added_by"] == "di"
    links = c.get("/api/v1/knowledge?artifact=models/churn", headers=tokens["reader"]).get_json()["links"]
    assert [k["title"] for k in links] == ["Retrain churn"]
    r = c.get("/api/v1/playbook?artifact=deploy/churn-api", headers=tokens["reader"])
    assert r.status_code == 200 and r.get_json() == {"artifact": "deploy/churn-api", "playbook": None}
    r = c.post("/api/v1/manifest", json={"artifacts": [{"uid": "deploy/churn-api", "kind": "deployment",
                                                        "playbook": {"channel": "#churn"}}]}, headers=tokens["bo"])
    assert r.status_code == 200, r.get_json()
    pb = c.get("/api/v1/playbook?artifact=deploy/churn-api", headers=tokens["reader"]).get_json()["playbook"]
    assert pb["channel"] == "#churn" and pb["sources"] == {"channel": "artifact:deploy/churn-api"}
    answer = c.get("/api/v1/incident?artifact=deploy/churn-api", headers=tokens["reader"]).get_json()
    assert answer["playbook"] == pb
    assert c.get("/api/v1/playbook?artifact=models/none", headers=tokens["reader"]).status_code == 404


WRITES = [
    ("/api/v1/incidents", {"artifact": "deploy/churn-api", "title": "x", "severity": "sev1"}),
    ("/api/v1/knowledge", {"artifact": "models/churn", "kind": "howto", "title": "x",
                           "url": "https://wiki.example.com/x"}),
]


@pytest.mark.parametrize("path, body", WRITES)
def test_writes_need_a_credential_with_the_write_scope(org, tokens, path, body):  # noqa: F811
    c = make_client(org)
    inactive = {"Authorization": "Bearer " + issue_token(org, "cy", ["read", "write"], name="cy-w")}
    before = head(org)
    assert c.post(path, json=body).status_code == 401
    for who in ("reader", "feed"):
        r = c.post(path, json=body, headers=tokens[who])
        assert r.status_code == 403 and "'write'" in r.get_json()["error"], (who, r.get_json())
    r = c.post(path, json=body, headers=inactive)
    assert r.status_code == 403 and "not an active person" in r.get_json()["error"]
    assert head(org) == before


def test_appending_and_resolving_need_the_write_scope(org, tokens):  # noqa: F811
    c = make_client(org)
    rec = _open(c, tokens["bo"]).get_json()
    before = head(org)
    url = f"/api/v1/incidents/{rec['id']}"
    assert c.post(url + "/timeline", json={"type": "note", "text": "x"}).status_code == 401
    assert c.post(url + "/timeline", json={"type": "note", "text": "x"}, headers=tokens["reader"]).status_code == 403
    assert c.post(url + "/resolve", json={"postmortem": PM}, headers=tokens["feed"]).status_code == 403
    assert head(org) == before


@pytest.mark.parametrize("path, body, fields", [
    ("/api/v1/incidents", {"artifact": "deploy/churn-api", "title": " ", "severity": "sev9"}, ["title", "severity"]),
    ("/api/v1/incidents", {"title": "x", "severity": "sev1"}, ["artifact"]),
    ("/api/v1/incidents", {"artifact": "deploy/churn-api", "title": "a\x00b", "severity": "sev1"}, ["title"]),
    ("/api/v1/knowledge", {"artifact": "models/churn", "kind": "blog", "title": "x", "url": "javascript:alert(1)"},
     ["kind", "url"]),
    ("/api/v1/knowledge", {"artifact": "models/churn", "kind": "howto", "url": "https://x.example.com"}, ["title"]),
])
def test_bad_input_is_400_naming_the_field(org, tokens, path, body, fields):  # noqa: F811
    c = make_client(org)
    before = head(org)
    r = c.post(path, json=body, headers=tokens["bo"])
    assert r.status_code == 400 and [p["path"] for p in r.get_json()["problems"]] == fields, r.get_json()
    assert head(org) == before


def test_bad_timeline_and_resolve_bodies_are_400(org, tokens):  # noqa: F811
    c = make_client(org)
    url = f"/api/v1/incidents/{_open(c, tokens['bo']).get_json()['id']}"
    before = head(org)
    r = c.post(url + "/timeline", json={"type": "shrug", "text": ""}, headers=tokens["bo"])
    assert r.status_code == 400 and [p["path"] for p in r.get_json()["problems"]] == ["type", "text"]
    r = c.post(url + "/resolve", json={"postmortem": "wiki/pm"}, headers=tokens["bo"])
    assert r.status_code == 400 and [p["path"] for p in r.get_json()["problems"]] == ["postmortem"]
    r = c.post("/api/v1/incidents/inc%01/resolve", json={"postmortem": PM}, headers=tokens["bo"])
    assert r.status_code == 400 and r.get_json()["problems"][0]["path"] == "iid"
    r = c.get("/api/v1/incidents?status=closed", headers=tokens["bo"])
    assert r.status_code == 400 and r.get_json()["problems"][0]["path"] == "status"
    assert head(org) == before
