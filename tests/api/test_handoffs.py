"""Handoffs over the API on both engines: open, accept with the checklist (the role moves
in the same unit as its audit events), decline, cancel, and who may do each."""

from __future__ import annotations

import pytest

from graph_model.services.handoffs import DEFAULT_CHECKLIST
from tests.conftest import issue_token
from tests.helpers import owners

from .test_access import make_client, org  # noqa: F401  (the shared catalog fixture)

ALL = {item: True for item in DEFAULT_CHECKLIST}


@pytest.fixture
def people(org):  # noqa: F811
    return {p: {"Authorization": "Bearer " + issue_token(org, p, ["read", "write"], name=f"{p}-w")}
            for p in ("ana", "bo", "di")}


def _open(c, who, **body):
    return c.post("/api/v1/handoffs", json={"artifact": "models/churn", "to": "di", "role": "owner",
                                            "reason": "moving to the data team", **body}, headers=who)


def test_accepting_moves_the_owner_in_the_same_unit_as_its_audit(org, people):  # noqa: F811
    c = make_client(org)
    r = _open(c, people["ana"])
    assert r.status_code == 201, r.get_json()
    h = r.get_json()
    assert h["status"] == "open" and h["items"] == list(DEFAULT_CHECKLIST) and h["opened_by"] == "ana"
    waiting = c.get("/api/v1/handoffs?person=di", headers=people["di"]).get_json()
    assert [w["id"] for w in waiting["waiting"]] == [h["id"]] and waiting["opened"] == []
    url = f"/api/v1/handoffs/{h['id']}/accept"
    assert c.post(url, json={"checklist": ALL}, headers=people["bo"]).status_code == 403   # not the receiver
    partial = dict(ALL, **{"runbook read": False})
    r = c.post(url, json={"checklist": partial}, headers=people["di"])
    assert r.status_code == 400 and [p["path"] for p in r.get_json()["problems"]] == ["checklist.runbook read"]
    assert owners(org, "models/churn")["primary"] == {"ana"}
    head = org.read("audit_head")[0]["seq"]
    r = c.post(url, json={"checklist": ALL}, headers=people["di"])
    assert r.status_code == 200 and r.get_json()["status"] == "accepted" and r.get_json()["checklist"] == ALL
    assert owners(org, "models/churn")["primary"] == {"di"}
    events = [e for e in org.read("audit_events_page", after=head, limit=100)]
    assert [e["action"] for e in events] == ["handoff.accept", "ownership.close", "ownership.open"]
    assert {e["actor"] for e in events} == {"person:di token:di-w from:127.0.0.1"}
    history = org.read("ownership_history", uid="models/churn")
    opened = next(o for o in history if o["id"] == "di" and o["role"] == "primary")
    assert opened["reason"] == f"handoff {h['id']}: moving to the data team"
    closed = next(o for o in history if o["id"] == "ana" and o["role"] == "primary")
    assert closed["until"] is not None
    r = c.post(url, json={"checklist": ALL}, headers=people["di"])
    assert r.status_code == 400 and "already accepted" in r.get_json()["problems"][0]["message"]


def test_a_steward_hands_over_their_stewardship(org, people):  # noqa: F811
    c = make_client(org)
    h = _open(c, people["bo"], role="steward").get_json()
    assert c.post(f"/api/v1/handoffs/{h['id']}/accept", json={"checklist": ALL},
                  headers=people["di"]).status_code == 200
    assert owners(org, "models/churn")["steward"] == {"di"} and owners(org, "models/churn")["primary"] == {"ana"}


def test_who_may_open_decline_and_cancel(org, people):  # noqa: F811
    c = make_client(org)
    r = c.post("/api/v1/handoffs", json={"artifact": "raw/events", "to": "ana", "role": "owner", "reason": "x"},
               headers=people["bo"])
    assert r.status_code == 403                       # bo has no rights on raw/events
    r = _open(c, people["ana"], to="", reason="")
    assert r.status_code == 400 and {p["path"] for p in r.get_json()["problems"]} == {"to", "reason"}
    r = _open(c, people["ana"], role="boss")
    assert r.status_code == 400 and r.get_json()["problems"][0]["path"] == "role"
    assert _open(c, people["ana"], to="cy").status_code == 400       # inactive receiver
    assert _open(c, people["ana"], artifact="models/none").status_code == 404
    assert c.post("/api/v1/handoffs", data="artifact: models/churn", content_type="text/plain",
                  headers=people["ana"]).status_code == 415
    one = _open(c, people["ana"]).get_json()["id"]
    assert c.post(f"/api/v1/handoffs/{one}/decline", json={}, headers=people["ana"]).status_code == 403
    r = c.post(f"/api/v1/handoffs/{one}/decline", json={"reason": "not now"}, headers=people["di"])
    assert r.status_code == 200 and r.get_json()["status"] == "declined"
    two = _open(c, people["ana"]).get_json()["id"]
    assert c.post(f"/api/v1/handoffs/{two}/cancel", json={}, headers=people["di"]).status_code == 403
    r = c.post(f"/api/v1/handoffs/{two}/cancel", json={}, headers=people["bo"])   # steward: has rights
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    actions = [e["action"] for e in org.read("audit_events_for_targets", targets=[one, two])]
    assert actions == ["handoff.open", "handoff.decline", "handoff.open", "handoff.cancel"]
    assert owners(org, "models/churn")["primary"] == {"ana"}
    assert c.post("/api/v1/handoffs/ho-nope/accept", json={"checklist": {}}, headers=people["di"]).status_code == 404


def test_the_checklist_is_configurable_per_kind(org, people):  # noqa: F811
    c = make_client(org, OWNERGRAPH_HANDOFF_CHECKLISTS={"model": ["model card read"]})
    h = _open(c, people["ana"]).get_json()
    assert h["items"] == ["model card read"]
    r = c.post(f"/api/v1/handoffs/{h['id']}/accept", json={"checklist": {"model card read": True}},
               headers=people["di"])
    assert r.status_code == 200 and owners(org, "models/churn")["primary"] == {"di"}


def test_a_whole_portfolio_is_handed_over_in_one_request(org, people):  # noqa: F811
    c = make_client(org)
    body = {"person": "bo", "to": "di", "reason": "bo moves to research"}
    assert c.post("/api/v1/handoffs/portfolio", json=body, headers=people["ana"]).status_code == 403
    r = c.post("/api/v1/handoffs/portfolio", json=body, headers=people["bo"])
    assert r.status_code == 201, r.get_json()
    opened = {(h["artifact"], h["role"]): h for h in r.get_json()["handoffs"]}
    assert set(opened) == {("models/churn", "steward"), ("deploy/churn-api", "owner")}
    for h in opened.values():
        assert c.post(f"/api/v1/handoffs/{h['id']}/accept", json={"checklist": ALL},
                      headers=people["di"]).status_code == 200
    assert owners(org, "deploy/churn-api")["primary"] == {"di"}
    assert owners(org, "models/churn")["steward"] == {"di"} and owners(org, "models/churn")["primary"] == {"ana"}
    root = {"Authorization": "Bearer " + issue_token(org, "root", ["write", "admin"], name="root-w")}
    r = c.post("/api/v1/handoffs/portfolio", json={"person": "cy", "to": "di", "reason": "cy left"}, headers=root)
    assert r.status_code == 201 and [h["artifact"] for h in r.get_json()["handoffs"]] == ["features/user",
                                                                                          "raw/events"]
    r = c.post("/api/v1/handoffs/portfolio", json={"person": "cy", "to": "cy", "reason": "x"}, headers=root)
    assert r.status_code == 400


def test_bodies_are_checked_against_their_models_before_anything_is_read(org, people):  # noqa: F811
    c = make_client(org)
    r = c.post("/api/v1/handoffs", json={"artifact": "models/churn", "role": "boss", "reason": " "},
               headers=people["ana"])
    assert r.status_code == 400
    assert [p["path"] for p in r.get_json()["problems"]] == ["to", "role", "reason"]   # every problem at once
    h = _open(c, people["ana"]).get_json()
    url = f"/api/v1/handoffs/{h['id']}"
    r = c.post(url + "/accept", json={"checklist": dict(ALL, **{"runbook read": "yes"})}, headers=people["di"])
    assert r.status_code == 400 and [p["path"] for p in r.get_json()["problems"]] == ["checklist.runbook read"]
    r = c.post(url + "/accept", json={"checklist": ["runbook read"]}, headers=people["di"])
    assert r.status_code == 400 and r.get_json()["problems"][0]["path"] == "checklist"
    assert c.post(url + "/decline", data="reason: no", content_type="application/yaml",
                  headers=people["di"]).status_code == 415
    assert owners(org, "models/churn")["primary"] == {"ana"}
    r = c.post(url + "/decline", headers=people["di"])                 # no body: declined without a reason
    assert r.status_code == 200 and r.get_json()["status"] == "declined"
    events = org.read("audit_events_for_targets", targets=[h["id"]])
    assert [e["action"] for e in events] == ["handoff.open", "handoff.decline"]
