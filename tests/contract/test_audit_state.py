"""The state check: the graph holds exactly the changes the audit log records."""

from __future__ import annotations

import pytest

from graph_model.ingest import bulk, manifest, parse
from graph_model import demo
from graph_model.services import audit_state

from ..conftest import raw_write
from ..manifests import small

BOTH = pytest.mark.parametrize("store", ["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)],
                               indirect=True)


def _load(store):
    manifest.ingest(store, parse.validate(small()), actor="tester")
    # a second unit with updates, closes, a new commit on an existing version, a run link
    manifest.ingest(store, parse.validate({
        "reason": "handover",
        "people": [{"id": "cy", "name": "Cy O.", "active": True}],
        "teams": [{"id": "ml", "name": "ML Platform", "members": ["ana"]}],
        "artifacts": [
            {"uid": "models/churn", "kind": "model", "owner": "bo", "stewards": [], "team": "data",
             "description": "Churn v2",
             "versions": [{"version": "2", "metrics": {"auc": 0.93},
                           "run": {"id": "run-1", "status": "succeeded"},
                           "derived_from": [{"uid": "raw/events@2026-11-20", "relation": "evaluated_on"}]}]},
            {"uid": "raw/events", "kind": "dataset", "versions": [
                {"version": "2026-11-20", "commit": {"sha": "c0ffee0c0ffee0", "author": "di"}}]},
        ]}), actor="tester")


@BOTH
def test_a_clean_load_agrees(store):
    _load(store)
    assert audit_state.check_state(store) == []


@BOTH
def test_a_demo_load_agrees(store):
    bulk.ingest_chunks(store, demo.iter_demo_chunks(size=120, chunk_artifacts=50), actor="demo")
    assert audit_state.check_state(store) == []


def _targets(found) -> set[tuple[str, str]]:
    return {(d.target_kind, d.target) for d in found}


@BOTH
@pytest.mark.parametrize("case", [
    ("owns", "MATCH (p:Person {id: 'cy'}), (a:Artifact {uid: 'models/churn'}) "
             "CREATE (p)-[:OWNS {role: 'primary', since: 1}]->(a)", ("artifact", "models/churn"), "OWNS"),
    ("version", "MATCH (a:Artifact {uid: 'models/churn'}) CREATE (v:Version {uid: 'models/churn@9', "
                "artifact_uid: 'models/churn', version: '9', seq: 9})-[:VERSION_OF]->(a)",
     ("version", "models/churn@9"), "no event records its creation"),
    ("lineage", "MATCH (v:Version {uid: 'deploy/churn-api@7'}), (u:Version {uid: 'raw/events@2026-11-20'}) "
                "CREATE (v)-[:DERIVED_FROM {relation: 'input'}]->(u)", ("version", "deploy/churn-api@7"),
     "DERIVED_FROM"),
    ("membership", "MATCH (p:Person {id: 'di'}), (t:Team {id: 'ml'}) CREATE (p)-[:MEMBER_OF {since: 5}]->(t)",
     ("team", "ml"), "MEMBER_OF"),
    ("closed-owns", "MATCH (:Person {id: 'bo'})-[o:OWNS]->(:Artifact {uid: 'models/churn'}) "
                    "WHERE o.until IS NULL SET o.until = 7", ("artifact", "models/churn"), "OWNS"),
    ("field", "MATCH (a:Artifact {uid: 'raw/events'}) SET a.kind = 'model'", ("artifact", "raw/events"),
     "kind is 'model' in the graph"),
    ("deleted-version", "MATCH (v:Version {uid: 'models/churn@2'}) DETACH DELETE v",
     ("version", "models/churn@2"), "the graph does not hold it"),
    ("deleted-owns", "MATCH (:Person {id: 'di'})-[o:OWNS]->(:Artifact {uid: 'features/user'}) DELETE o",
     ("artifact", "features/user"), "recorded by the log, absent"),
    ("deleted-run", "MATCH (r:Run {id: 'run-1'}) DETACH DELETE r", ("run", "run-1"), "does not hold it"),
    ("stray-label", "CREATE (:Backdoor {id: 'x'})", ("node", "Backdoor"), "no event records any"),
], ids=lambda c: c[0])
def test_a_write_around_the_write_path_is_reported(store, case):
    _, text, target, words = case
    _load(store)
    raw_write(store, text)
    found = audit_state.check_state(store)
    assert target in _targets(found), found
    assert any(words in d.message for d in found if (d.target_kind, d.target) == target), found
