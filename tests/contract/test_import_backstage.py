"""Backstage import on both engines: real catalog files with several documents, mapped
to people, teams, artifacts, lineage, declared owners and the team's on-call link."""

from __future__ import annotations

import json

import pytest

from graph_model.errors import ValidationFailed
from graph_model.importers import backstage, common
from graph_model.ingest.manifest import ingest
from graph_model.ingest.parse import check
from graph_model.services import declared, incident

from ..backstage_files import CATALOG, SERVICES
from ..helpers import counts, owners


def _files(tmp_path, **extra):
    out = []
    for name, text in {"org.yaml": CATALOG, "catalog-info.yaml": SERVICES, **extra}.items():
        (tmp_path / name).write_text(text)
        out.append(tmp_path / name)
    return out


def _import(store, files, **kw):
    return common.run(store, backstage.map_files(files, store.read), actor="import:backstage by cli:test", **kw)


def test_kind_mapping():
    assert [backstage.kind_of(k, t) for k, t in [("component", "ml-model"), ("resource", "dataset"),
                                                  ("component", "service"), ("api", "grpc"),
                                                  ("system", None), ("resource", "Model"),
                                                  ("component", "modeling-tool")]] == [
        "model", "dataset", "pipeline", "other", "other", "model", "pipeline"]
    assert backstage.parse_ref("group:default/ml", "group") == ("group", "default", "ml")
    assert backstage.parse_ref("bo", "user") == ("user", "default", "bo")


def test_backstage_maps_the_catalog(store, tmp_path):
    files = _files(tmp_path)
    dry = _import(store, files, dry_run=True)
    assert counts(store).get("Artifact", 0) == 0 and store.read("audit_head")[0].get("seq") in (None, 0)
    done = _import(store, files)
    assert sorted((c.action, c.target) for c in done.changes) == sorted((c.action, c.target) for c in dry.changes)
    rows = {r["uid"]: r for r in store.read("artifacts_by_uids", uids=[
        "default/churn-model", "default/user-features", "default/churn-api", "payments/churn-grpc"])}
    assert {u: r["kind"] for u, r in rows.items()} == {"default/churn-model": "model", "default/user-features": "dataset",
                                                        "default/churn-api": "pipeline", "payments/churn-grpc": "other"}
    churn = rows["default/churn-model"]
    assert (churn["description"], churn["tags"], json.loads(churn["links"])) == (
        "Predicts churn", ["tier-1"], {"runbook": "https://runbooks.example.com/churn"})
    assert (churn["source_repo"], churn["source_path"]) == ("https://github.com/acme/ml", "models/churn/")
    team = store.read("teams_by_ids", ids=["ml-platform"])[0]
    assert (team["name"], sorted(team["members"])) == ("ML Platform", ["ana", "bo"])
    ana = store.read("people_by_ids", ids=["ana"])[0]
    assert (ana["name"], ana["email"], ana["handle"]) == ("Ana Silva", "ana@example.com", "ana-s")
    # owners declared: filled because nothing was set
    assert owners(store, "default/churn-model") == {"primary": set(), "steward": set(), "team": {"ml-platform"}}
    assert owners(store, "default/user-features") == {"primary": {"bo"}, "steward": set(), "team": set()}
    assert [(d["holder"], d["resolved"]) for d in declared.of_artifact(store, "payments/churn-grpc")] == [
        ("nobody", None)]
    # lineage: churn-model depends on user-features; churn-api depends on it (dependencyOf)
    assert {(r["uid"], r["relation"]) for r in store.read("version_parents", uid="default/churn-model@catalog")} \
        == {("default/user-features@catalog", "depends_on")}
    assert {(r["uid"], r["relation"]) for r in store.read("version_parents", uid="default/churn-api@catalog")} \
        == {("default/user-features@catalog", "depends_on")}
    answer = incident.incident(store, "default/churn-model")
    assert answer["artifact"]["team"]["oncall"] == {"opsgenie.com/team": "ml-oncall",
                                                    "pagerduty.com/service-id": "PCHURN1"}
    assert [u["uid"] for u in answer["upstream"]] == ["default/user-features"]
    assert done.notes == ["1 entity of other kinds (Domain, Location, ...) left alone"]
    again = _import(store, files)
    assert again.changes == [] and again.summary.events == 0


def test_backstage_respects_what_a_person_set(store, tmp_path):
    ingest(store, check({"people": [{"id": "cy", "name": "Cy"}],
                         "artifacts": [{"uid": "default/user-features", "kind": "dataset", "owner": "cy",
                                        "versions": [{"version": "7"}]}]}))
    _import(store, _files(tmp_path))
    assert owners(store, "default/user-features")["primary"] == {"cy"}
    assert [d["text"] for d in declared.of_artifact(store, "default/user-features")] == [
        "declared by backstage: primary bo (set: cy)"]
    # lineage goes onto the newest existing version, no 'catalog' version added
    assert {r["uid"] for r in store.read("version_parents", uid="default/churn-model@catalog")} == {
        "default/user-features@7"}
    assert not store.read("versions_by_uids", uids=["default/user-features@catalog"])


def test_backstage_unmappable_entries(store, tmp_path):
    bad = "kind: Component\nmetadata: {name: orphan}\nspec: {dependsOn: [component:missing]}\n---\n- not an entity\n"
    files = _files(tmp_path, **{"bad.yaml": bad})
    with pytest.raises(ValidationFailed) as e:
        _import(store, files)
    assert [str(p) for p in e.value.problems] == [
        f"{tmp_path}/bad.yaml document 2: an entity is a mapping",
        f"{tmp_path}/bad.yaml document 1 (Component orphan) spec.dependsOn: 'component:missing' is neither "
        f"in the files nor in the graph"]
    assert counts(store).get("Artifact", 0) == 0
    done = _import(store, files, skip_invalid=True)
    assert len(done.skipped) == 2 and owners(store, "default/churn-model")["team"] == {"ml-platform"}
    with pytest.raises(ValidationFailed) as e:
        _import(store, [tmp_path / "missing.yaml"])
    assert "cannot read" in str(e.value)


def test_incident_page_shows_the_oncall_link(store, tmp_path):
    from app import create_app
    _import(store, _files(tmp_path, **{"evil.yaml": "kind: Group\nmetadata:\n  name: evil\n  annotations:\n"
                                                   "    pagerduty.com/service-id: \"<script>x</script>\"\n"
                                                   "---\nkind: System\nmetadata: {name: sys}\nspec: {owner: evil}\n"}))
    client = create_app({"TESTING": True, "OWNERGRAPH_STORE_OBJECT": store, "OWNERGRAPH_ANONYMOUS_READ": True}).test_client()
    body = client.get("/incident/default/churn-model").get_data(as_text=True)
    assert "On call" in body and "<code>ml-oncall</code>" in body and "<code>PCHURN1</code>" in body
    evil = client.get("/incident/default/sys").get_data(as_text=True)
    assert "&lt;script&gt;x&lt;/script&gt;" in evil and "<script>x</script>" not in evil
