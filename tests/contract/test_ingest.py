"""Manifest ingest through the write path, on both backends."""

from __future__ import annotations

import pytest

from graph_model.errors import ValidationFailed
from graph_model.ingest import manifest, parse
from graph_model.services import artifacts, audit

from ..helpers import counts, owners
from ..manifests import SMALL_NODES, small


def ingest(store, data, **kw):
    return manifest.ingest(store, parse.validate(data), actor="tester", **kw)


def test_ingest_creates_the_graph(store):
    summary = ingest(store, small())
    c = counts(store)
    for label, n in SMALL_NODES.items():
        assert c[label] == n, label
    assert c["AuditEvent"] == summary.events > 0
    assert c["-DERIVED_FROM-"] == 5
    assert c["-VERSION_OF-"] == 6
    assert c["-PREVIOUS-"] == 2  # raw/events 21 -> 20, models/churn 2 -> 1
    assert c["-MEMBER_OF-"] == 4
    assert owners(store, "models/churn") == {"primary": {"ana"}, "steward": {"bo"}, "team": {"ml"}}


def test_an_upstream_listed_twice_is_one_edge(store):
    """New versions' edges are created, not merged: the planner keeps each (upstream,
    relation) once, so a repeated entry cannot make a second edge."""
    data = {"artifacts": [
        {"uid": "raw/a", "kind": "dataset", "versions": [{"version": "1"}]},
        {"uid": "feat/b", "kind": "feature_set", "versions": [{"version": "1", "derived_from": [
            {"uid": "raw/a@1"}, {"uid": "raw/a@1"}, {"uid": "raw/a@1", "relation": "validated_by"}]}]}]}
    manifest.ingest(store, parse.validate(data), actor="t")
    assert counts(store)["-DERIVED_FROM-"] == 2
    upstream = store.read("versions_by_uids", uids=["feat/b@1"])[0]["upstream"]
    assert sorted((u["uid"], u["relation"]) for u in upstream) == [("raw/a@1", "input"), ("raw/a@1", "validated_by")]


def test_ingest_twice_equals_once(store):
    ingest(store, small())
    before = counts(store)
    head = store.read("audit_head")[0]
    again = ingest(store, small())
    assert not again.changed and again.events == 0
    assert counts(store) == before
    assert store.read("audit_head")[0] == head


def test_show_card(store):
    ingest(store, small())
    card = artifacts.show(store, "models/churn")
    assert card["owner"]["id"] == "ana"
    assert [s["id"] for s in card["stewards"]] == ["bo"]
    assert card["team"]["id"] == "ml"
    assert [p["id"] for p in card["team"]["escalation"]] == ["bo", "ana"]
    assert [v["version"] for v in card["versions"]] == ["2", "1"]
    assert card["latest_version"] == "models/churn@2"
    assert {(p["uid"], p["relation"]) for p in card["parents"]} == {
        ("features/user@1", "trained_on"), ("raw/events@2026-11-21", "evaluated_on")}
    assert card["links"] == {"runbook": "https://runbooks.example.com/churn"}
    v1 = artifacts.show(store, "models/churn")["versions"][1]
    assert v1["commit"]["author"] == "bo" and v1["run"]["id"] == "run-1"
    children = artifacts.show(store, "raw/events")["children"]
    assert {c["uid"] for c in children} == {"features/user@1", "models/churn@2"}


def test_handover_closes_and_opens_ownership(store):
    ingest(store, small())
    s = ingest(store, {"reason": "ana moved teams", "artifacts": [
        {"uid": "models/churn", "kind": "model", "owner": "di", "stewards": ["ana"]}]})
    assert s.counts == {"ownership.close": 2, "ownership.open": 2}
    assert owners(store, "models/churn") == {"primary": {"di"}, "steward": {"ana"}, "team": {"ml"}}
    # closed, not deleted: 4 edges on models/churn now, two of them with `until`
    rows = store.read("artifact_detail", uid="models/churn")
    assert len([o for o in rows[0]["owners"] if o.get("id")]) == 2
    c = counts(store)
    assert c["-OWNS-"] == 6 + 4 + 2  # 6 person edges + 4 team edges + 2 new
    assert audit.verify(store) == c["AuditEvent"]


def test_omitted_fields_are_kept_and_null_owner_removes(store):
    ingest(store, small())
    ingest(store, {"artifacts": [{"uid": "models/churn", "kind": "model", "description": "v2 text"}]})
    assert owners(store, "models/churn")["primary"] == {"ana"}
    assert artifacts.show(store, "models/churn")["description"] == "v2 text"
    ingest(store, {"artifacts": [{"uid": "models/churn", "kind": "model", "owner": None}]})
    assert owners(store, "models/churn")["primary"] == set()
    assert artifacts.show(store, "models/churn")["owner"] is None


def test_new_version_chains_on_latest_and_metrics_update(store):
    ingest(store, small())
    ingest(store, {"artifacts": [{"uid": "models/churn", "kind": "model", "versions": [
        {"version": "2", "metrics": {"auc": 0.93}},
        {"version": "3", "derived_from": [{"uid": "features/user@1", "relation": "trained_on"}]}]}]})
    card = artifacts.show(store, "models/churn")
    assert [v["version"] for v in card["versions"]] == ["3", "2", "1"]
    v2 = store.read("versions_by_uids", uids=["models/churn@2"])[0]
    assert v2["metrics"] == '{"auc":0.93}'
    assert counts(store)["-PREVIOUS-"] == 3


NASTY = "it's \"quoted\" \\ back\\slash\nnewline ünïcödé <img src=x onerror=alert(1)> '}) MATCH (n) DETACH DELETE n //"


def test_values_with_quotes_and_injection_round_trip(store):
    data = small()
    data["artifacts"][2]["description"] = NASTY
    data["people"][0]["name"] = NASTY
    data["artifacts"].append({"uid": "evil/<img src=x onerror=alert(1)>", "kind": "other",
                              "description": NASTY, "owner": "ana", "tags": [NASTY]})
    ingest(store, data)
    card = artifacts.show(store, "models/churn")
    assert card["description"] == NASTY and card["owner"]["name"] == NASTY
    evil = artifacts.show(store, "evil/<img src=x onerror=alert(1)>")
    assert evil["description"] == NASTY and evil["tags"] == [NASTY]
    assert counts(store)["Artifact"] == 5
    assert ingest(store, data).events == 0


def _rejected(store, data_or_text, *expected: str):
    before = counts(store)
    head = store.read("audit_head")[0]
    with pytest.raises(ValidationFailed) as info:
        if isinstance(data_or_text, str):
            manifest.ingest(store, parse.load_text(data_or_text), actor="tester")
        else:
            ingest(store, data_or_text)
    text = [str(p) for p in info.value.problems]
    for fragment in expected:
        assert any(fragment in t for t in text), (fragment, text)
    assert counts(store) == before
    assert store.read("audit_head")[0] == head
    return text


def test_bad_references_are_all_reported_and_nothing_written(store):
    ingest(store, small())
    data = small()
    data["artifacts"][2]["owner"] = "nobody"
    data["artifacts"][2]["team"] = "no-team"
    data["artifacts"][2]["versions"][1]["derived_from"][1]["uid"] = "datasets/x@9"
    data["teams"][0]["escalation"].append("ghost")
    data["artifacts"][2]["description"] = "changed too"  # a valid change that must not land
    problems = _rejected(store, data,
                         "artifacts[2].owner: unknown person 'nobody'",
                         "artifacts[2].team: unknown team 'no-team'",
                         "artifacts[2].versions[1].derived_from[1]: unknown version 'datasets/x@9'",
                         "teams[0].escalation[2]: unknown person 'ghost'")
    assert len(problems) == 4
    assert artifacts.show(store, "models/churn")["description"] == "Predicts churn"


def test_duplicates_namespace_kind_and_types(store):
    data = small()
    data["artifacts"].append(dict(data["artifacts"][0]))
    data["artifacts"].append({"uid": "no-namespace", "kind": "model"})
    data["artifacts"].append({"uid": "x/y", "kind": "rocket"})
    data["artifacts"].append({"uid": "x/z", "kind": "model", "tags": "not-a-list"})
    _rejected(store, data, "artifacts[4]: duplicate uid 'raw/events'", "artifacts[5].uid",
              "artifacts[6].kind", "artifacts[7].tags")
    data2 = small()
    data2["artifacts"].append({"uid": "no-namespace", "kind": "model"})
    data2["artifacts"].append({"uid": "x/y", "kind": "rocket"})
    data2["artifacts"].append({"uid": "x/z", "kind": "model", "tags": "not-a-list"})
    _rejected(store, data2, "artifacts[4].uid", "has no namespace", "artifacts[5].kind",
              "artifacts[6].tags")


def test_lineage_cycle_in_manifest(store):
    data = small()
    data["artifacts"][0]["versions"][1]["derived_from"] = [{"uid": "models/churn@2"}]
    _rejected(store, data, "lineage cycle")


def test_lineage_cycle_through_stored_edges(store):
    ingest(store, small())
    data = {"artifacts": [{"uid": "raw/events", "kind": "dataset", "versions": [
        {"version": "2026-11-21", "derived_from": [{"uid": "deploy/churn-api@7"}]}]}]}
    # deploy@7 -> models/churn@1 -> features/user@1 -> raw/events@2026-11-21: closing it is a cycle
    _rejected(store, data, "artifacts[0].versions[0].derived_from[0]: lineage cycle")


@pytest.mark.parametrize("text, fragment", [
    ("people: [{id: ana, name: Ana}\n  broken: [", "malformed YAML at line"),
    ('{"people": [', "malformed JSON at line 1"),
    ("- just\n- a list\n", "a manifest is a mapping"),
    ("people: [{id: ana, name: Ana, shoe_size: 9}]", "people[0].shoe_size: unknown field"),
    ("artifacts: [{uid: a/b, kind: model, links: {runbook: 'javascript:alert(1)'}}]", "must start with http://, https://"),
])
def test_malformed_input(store, text, fragment):
    _rejected(store, text, fragment)


def test_provenance_is_immutable(store):
    ingest(store, small())
    data = {"artifacts": [{"uid": "models/churn", "kind": "model", "versions": [
        {"version": "1", "commit": {"sha": "ffffffffffffffff"}}]}]}
    _rejected(store, data, "artifacts[0].versions[0].commit: version 'models/churn@1' is already built")
