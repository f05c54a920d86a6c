"""The rights rule on both engines: only current ownership, stewardship and membership
count; admins need the admin scope; refusals name every path and write nothing."""

from __future__ import annotations

import pytest

from graph_model.errors import PermissionDenied
from graph_model.ingest import manifest, parse
from graph_model.services.access import Principal, may_change_artifact
from tests.conftest import raw_write
from tests.manifests import small


def person(pid: str, *scopes: str) -> Principal:
    return Principal(person=pid, scopes=frozenset(scopes or ("write",)), via="token", token="t",
                     address="127.0.0.1")


@pytest.fixture
def org(store):
    manifest.ingest(store, parse.validate(small()), actor="test")
    return store


def test_only_current_edges_give_rights(org):
    r = org.read
    assert may_change_artifact(r, person("ana"), "models/churn")      # primary owner
    assert may_change_artifact(r, person("bo"), "models/churn")       # steward and team ml
    assert not may_change_artifact(r, person("di"), "models/churn")
    assert not may_change_artifact(r, person("ana", "read"), "models/churn")   # scope narrows
    manifest.ingest(org, parse.validate({"artifacts": [{"uid": "models/churn", "kind": "model", "owner": "di",
                                                         "stewards": [], "team": "data"}]}), actor="test")
    assert not may_change_artifact(r, person("ana"), "models/churn")  # closed edges do not count
    assert not may_change_artifact(r, person("bo"), "models/churn")
    assert may_change_artifact(r, person("di"), "models/churn")
    manifest.ingest(org, parse.validate({"teams": [{"id": "data", "name": "Data Eng", "members": ["di"]}]}),
                    actor="test")
    assert not may_change_artifact(r, person("cy"), "raw/events") # left the team (and inactive)
    assert not may_change_artifact(r, person("nobody"), "raw/events")
    assert not may_change_artifact(r, person("ana"), "models/none")


def test_admin_is_a_person_attribute_the_scope_must_also_carry(org):
    raw_write(org, "MATCH (p:Person {id: 'di'}) SET p.admin = true")
    assert not may_change_artifact(org.read, person("di", "write"), "deploy/churn-api")
    assert may_change_artifact(org.read, person("di", "write", "admin"), "deploy/churn-api")
    assert not may_change_artifact(org.read, person("ana", "write", "admin"), "raw/events")  # not an admin


def test_a_guarded_ingest_refuses_whole_and_writes_nothing(org):
    head = org.read("audit_head")[0]
    m = parse.validate({"people": [{"id": "zed", "name": "Zed"}],
                        "artifacts": [{"uid": "models/churn", "kind": "model", "description": "ok"},
                                      {"uid": "raw/events", "kind": "dataset", "tags": ["mine"]}]})
    with pytest.raises(PermissionDenied) as e:
        manifest.ingest(org, m, actor="person:ana", principal=person("ana"))
    assert {p.path for p in e.value.problems} == {"people[0]", "artifacts[1]"}
    assert org.read("audit_head")[0] == head
    assert org.read("people_by_ids", ids=["zed"]) == []
