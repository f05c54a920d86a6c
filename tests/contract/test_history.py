"""An artifact's history and who owned it when, on both backends."""

from __future__ import annotations

import pytest

from graph_model.errors import NotFound
from graph_model.ingest import manifest, parse
from graph_model.services import history

from ..manifests import small

T0 = 1_790_000_000_000          # the catalogue is loaded
T1 = T0 + 5 * 86_400_000        # ana hands models/churn over to di, and stays as steward
HOUR = 3_600_000


def ingest(store, data, at):
    return manifest.ingest(store, parse.validate(data), actor="tester", at=at)


@pytest.fixture
def handed_over(store):
    ingest(store, small(), T0)
    ingest(store, {"reason": "ana moved teams", "artifacts": [
        {"uid": "models/churn", "kind": "model", "owner": "di", "stewards": ["ana"]}]}, T1)
    return store


def test_versions_in_order_with_commit_and_run(handed_over):
    h = history.history(handed_over, "models/churn")
    assert h["uid"] == "models/churn" and h["kind"] == "model"
    assert [v["version"] for v in h["versions"]] == ["1", "2"]
    v1, v2 = h["versions"]
    assert v1["created_at"] == "2026-11-21T08:00:00Z" and v1["previous"] is None
    assert v1["commit"]["sha"] == "a1b2c3d4e5f6a7b8" and v1["commit"]["author"] == "bo"
    assert v1["run"] == {"id": "run-1", "status": "succeeded", "started_at": None, "ended_at": None,
                         "log_uri": "https://logs.example.com/run-1"}
    assert v2["previous"] == "models/churn@1" and v2["run"] is None
    assert v2["commit"]["message"] == "deeper"


def test_ownership_changes_over_time(handed_over):
    h = history.history(handed_over, "models/churn")
    got = [(e["holder"], e["id"], e["role"], e["since_ms"], e["until_ms"], e["reason"], e["end_reason"])
           for e in h["ownership"]]
    assert got == [
        ("person", "ana", "primary", T0, T1, "initial catalog", "ana moved teams"),
        ("person", "bo", "steward", T0, T1, "initial catalog", "ana moved teams"),
        ("team", "ml", "team", T0, None, "initial catalog", None),
        ("person", "di", "primary", T1, None, "ana moved teams", None),
        ("person", "ana", "steward", T1, None, "ana moved teams", None),
    ]
    assert [e["current"] for e in h["ownership"]] == [False, False, True, True, True]
    assert h["ownership"][0]["since"].endswith("Z") and h["ownership"][0]["name"] == "Ana Silva"


def test_audit_events_of_the_artifact_and_its_versions(handed_over):
    h = history.history(handed_over, "models/churn")
    seqs = [e["seq"] for e in h["audit"]]
    assert seqs == sorted(seqs)
    assert {e["target"] for e in h["audit"]} == {"models/churn", "models/churn@1", "models/churn@2"}
    actions = [e["action"] for e in h["audit"]]
    assert actions.count("version.create") == 2 and actions.count("artifact.create") == 1
    handover = [e for e in h["audit"] if e["reason"] == "ana moved teams"]
    assert sorted((e["action"], e["changes"]["person"], e["changes"]["role"]) for e in handover) == [
        ("ownership.close", "ana", "primary"), ("ownership.close", "bo", "steward"),
        ("ownership.open", "ana", "steward"), ("ownership.open", "di", "primary")]
    assert all(e["actor"] == "tester" for e in h["audit"])
    # events of other artifacts stay out
    assert not any(e["target"].startswith("deploy/") for e in h["audit"])


def test_owners_as_of_before_and_after_the_handover(handed_over):
    before = history.owners_as_of(handed_over, "models/churn", T1 - HOUR)
    assert before["primary"]["id"] == "ana"
    assert [s["id"] for s in before["stewards"]] == ["bo"]
    assert before["team"]["id"] == "ml"
    after = history.owners_as_of(handed_over, "models/churn", T1)
    assert after["primary"]["id"] == "di" and [s["id"] for s in after["stewards"]] == ["ana"]
    never = history.owners_as_of(handed_over, "models/churn", T0 - HOUR)
    assert never["primary"] is None and never["stewards"] == [] and never["team"] is None
    inactive = history.owners_as_of(handed_over, "raw/events", T1)
    assert inactive["primary"] == {"id": "cy", "name": "Cy Okafor", "active": False,
                                   "since": before["team"]["since"], "until": None}


def test_unknown_artifact(store):
    with pytest.raises(NotFound):
        history.history(store, "models/nope")
    with pytest.raises(NotFound):
        history.owners_as_of(store, "models/nope", T0)


def test_artifact_without_versions_or_owners(store):
    ingest(store, {"artifacts": [{"uid": "x/bare", "kind": "other"}]}, T0)
    h = history.history(store, "x/bare")
    assert h["versions"] == [] and h["ownership"] == []
    assert [e["action"] for e in h["audit"]] == ["artifact.create"]
