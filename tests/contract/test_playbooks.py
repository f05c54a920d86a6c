"""Playbooks set in a manifest (per artifact, per team, per kind) and the one that
applies to an artifact, field by field (artifact over team over kind), on both backends."""

from __future__ import annotations

import pytest

from graph_model.errors import PermissionDenied, ValidationFailed
from graph_model.ingest import manifest, parse
from graph_model.services import playbooks
from graph_model.services.access import Principal

from ..manifests import small

KIND = {"runbook": "https://runbooks.example.com/deployments", "channel": "#deploys",
        "rollback": "error rate above 2% for 10 minutes"}
TEAM = {"channel": "#ml-incidents", "integrity_checks": ["row counts match yesterday within 5%"]}
OWN = {"failure_modes": ["stale features", "model file missing"]}


def with_playbooks() -> dict:
    m = small()
    m["kind_playbooks"] = {"deployment": KIND}
    m["teams"][0]["playbook"] = TEAM                          # ml
    m["artifacts"][3]["playbook"] = OWN                       # deploy/churn-api (team ml)
    return m


def head(store) -> int:
    return store.read("audit_head")[0]["seq"]


def test_each_field_comes_from_the_most_specific_playbook(store):
    manifest.ingest(store, parse.validate(with_playbooks()), actor="tester")
    got = playbooks.of_artifact(store, "deploy/churn-api")
    assert got == {
        "failure_modes": ["stale features", "model file missing"],
        "rollback": "error rate above 2% for 10 minutes",
        "integrity_checks": ["row counts match yesterday within 5%"],
        "channel": "#ml-incidents",
        "runbook": "https://runbooks.example.com/deployments",
        "sources": {"failure_modes": "artifact:deploy/churn-api", "rollback": "kind:deployment",
                    "integrity_checks": "team:ml", "channel": "team:ml",
                    "runbook": "kind:deployment"},
    }
    # models/churn: team ml's only (a model has no kind default here)
    assert playbooks.of_artifact(store, "models/churn")["sources"] == {"integrity_checks": "team:ml",
                                                                       "channel": "team:ml"}
    # raw/events: team data, a dataset: nothing applies
    assert playbooks.of_artifact(store, "raw/events") is None


def test_an_artifact_field_overrides_the_defaults(store):
    m = with_playbooks()
    m["artifacts"][3]["playbook"] = {"channel": "#churn-api", "rollback": "any 5xx"}
    manifest.ingest(store, parse.validate(m), actor="tester")
    got = playbooks.of_artifact(store, "deploy/churn-api")
    assert (got["channel"], got["rollback"], got["runbook"]) == (
        "#churn-api", "any 5xx", "https://runbooks.example.com/deployments")
    assert got["sources"]["channel"] == "artifact:deploy/churn-api"


def test_resending_is_a_no_op_and_null_removes(store):
    manifest.ingest(store, parse.validate(with_playbooks()), actor="tester")
    again = manifest.ingest(store, parse.validate(with_playbooks()), actor="tester")
    assert not again.changed
    removed = manifest.ingest(store, parse.validate({"artifacts": [
        {"uid": "deploy/churn-api", "kind": "deployment", "playbook": None}],
        "kind_playbooks": {"deployment": None}}), actor="tester")
    assert removed.counts == {"playbook.clear": 2}
    got = playbooks.of_artifact(store, "deploy/churn-api")
    assert got["sources"] == {"integrity_checks": "team:ml", "channel": "team:ml"}
    events = store.read("audit_events_for_targets", targets=["deploy/churn-api"], limit=50)
    assert [e["action"] for e in events if e["action"].startswith("playbook.")] == ["playbook.set", "playbook.clear"]


def test_bad_playbooks_name_their_paths_and_write_nothing(store):
    manifest.ingest(store, parse.validate(small()), actor="tester")
    before = head(store)
    m = small()
    m["kind_playbooks"] = {"deploymnt": KIND, "model": {}}
    m["teams"][1]["playbook"] = {"channel": "#data", "runbook": "javascript:alert(1)"}
    m["artifacts"][0]["playbook"] = {"failure_modes": "not a list", "oops": 1}
    with pytest.raises(ValidationFailed) as e:
        manifest.ingest(store, parse.read_text(__import__("json").dumps(m)), actor="tester")
    paths = {p.path for p in e.value.problems}
    assert {"kind_playbooks.deploymnt", "kind_playbooks.model", "teams[1].playbook.runbook",
            "artifacts[0].playbook.failure_modes", "artifacts[0].playbook.oops"} <= paths, paths
    assert any("deploymnt" in p.message for p in e.value.problems)
    assert head(store) == before
    assert store.read("playbooks_by_keys", keys=["kind:model", "team:data", "artifact:raw/events"]) == []


def test_who_may_set_which_playbook(store):
    manifest.ingest(store, parse.validate(small()), actor="tester")
    bo = Principal(person="bo", scopes=frozenset({"write"}), via="token", token="t")   # member of ml
    m = {"teams": [{"id": "ml", "name": "ML Platform", "playbook": TEAM}],
         "artifacts": [{"uid": "deploy/churn-api", "kind": "deployment", "playbook": OWN}]}
    done = manifest.ingest(store, parse.validate(m), actor="person:bo", principal=bo)
    assert done.counts == {"playbook.set": 2}
    before = head(store)
    with pytest.raises(PermissionDenied) as e:
        manifest.ingest(store, parse.validate({"kind_playbooks": {"deployment": KIND},
                                               "teams": [{"id": "data", "name": "Data Eng", "playbook": TEAM}]}),
                        actor="person:bo", principal=bo)
    assert {p.path for p in e.value.problems} == {"kind_playbooks.deployment", "teams[0]"}
    assert head(store) == before
