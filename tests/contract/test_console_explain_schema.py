"""The console's EXPLAIN and its schema panel's read, on both backends: a plan comes back
for a read and nothing runs; the plan of a write is refused and writes nothing; the
schema read counts exactly what a known graph holds."""

from __future__ import annotations

import pytest

from graph_model.errors import PermissionDenied, ValidationFailed
from graph_model.ingest import manifest, parse
from graph_model.services import console, graph_schema
from tests.manifests import small

from ..conftest import raw_write


@pytest.fixture
def loaded(store):
    manifest.ingest(store, parse.validate(small()), actor="test")
    return store


def _count(store, label: str) -> int:
    return graph_schema.read(store).labels.get(label, 0)


def test_explain_gives_the_plan_and_runs_nothing(loaded):
    before = graph_schema.read(loaded)
    r = console.run(loaded, "EXPLAIN MATCH (a:Artifact {uid: $uid})<-[:VERSION_OF]-(v:Version) RETURN v.uid",
                    {"uid": "models/churn"})
    assert r["columns"] == ["plan"] and r["plan"] and [row[0] for row in r["rows"]] == r["plan"]
    text = "\n".join(r["plan"])
    # both engines name the label scan or index seek they would use for the artifact
    assert "Artifact" in text
    assert graph_schema.read(loaded) == before


def test_explain_is_found_after_comments_and_in_any_case(loaded):
    r = console.run(loaded, "// why is this slow?\n/* a note */ explain MATCH (p:Person) RETURN p.id")
    assert r["plan"] and "Person" in "\n".join(r["plan"])


@pytest.mark.parametrize("write", [
    "CREATE (:Intruder {x: 1})",
    "MERGE (:Intruder {x: 1})",
    "MATCH (a:Artifact) SET a.kind = 'other'",
    "MATCH (a:Artifact) DETACH DELETE a",
    "CREATE INDEX FOR (n:Intruder) ON (n.x)",
    "MATCH (a:Artifact) WITH a LIMIT 1 CREATE (:Intruder)",
])
def test_explain_of_a_write_is_refused_and_writes_nothing(loaded, write):
    before = graph_schema.read(loaded)
    with pytest.raises(PermissionDenied):
        console.run(loaded, "EXPLAIN " + write)
    after = graph_schema.read(loaded)
    assert after == before and "Intruder" not in after.labels
    # the query without EXPLAIN is refused as well, as before
    with pytest.raises(PermissionDenied):
        console.run(loaded, write)


def test_explain_reports_a_syntax_error_and_needs_a_query(loaded):
    with pytest.raises(ValidationFailed):
        console.run(loaded, "EXPLAIN MATCH (a RETURN a")
    with pytest.raises(ValidationFailed) as e:
        console.run(loaded, "EXPLAIN   ")
    assert "EXPLAIN needs a query" in str(e.value.problems[0])


def test_schema_read_counts_what_the_graph_holds(loaded):
    s = graph_schema.read(loaded)
    # small(): 5 people, 2 teams, 4 artifacts (raw/events, features/user, models/churn, deploy/churn-api)
    direct = {r["label"]: r["n"] for r in loaded.read("count_nodes")}
    assert {k: v for k, v in s.labels.items()} == direct
    assert s.labels["Artifact"] == 4 and s.labels["Team"] == 2
    rels = {r["type"]: r["n"] for r in loaded.read("count_relationships")}
    assert s.relationship_types == rels
    assert s.node_keys["Artifact"]["uid"] == 4 and s.node_keys["Artifact"]["kind"] == 4
    assert s.relationship_keys["OWNS"]["role"] == s.relationship_types["OWNS"]
    assert {"Artifact", "Person", "Version"} <= set(s.completion()["labels"])
    assert {"OWNS", "DERIVED_FROM"} <= set(s.completion()["relationship_types"])
    assert {"uid", "role", "relation"} <= set(s.completion()["property_keys"])


def test_schema_cache_is_kept_a_minute_then_follows_the_audit_head(loaded):
    first = graph_schema.cached(loaded)
    assert graph_schema.cached(loaded) is first          # nothing changed: reused
    raw_write(loaded, "CREATE (:Filler {i: 1})")         # around the write path: head unchanged
    assert "Filler" not in graph_schema.cached(loaded).labels
    m = small()
    m["artifacts"][0]["description"] = "changed through the write path"
    manifest.ingest(loaded, parse.validate(m), actor="test")   # moves the audit head
    assert "Filler" not in graph_schema.cached(loaded).labels   # but younger than MIN_AGE_S
    assert graph_schema.cached(loaded, min_age_s=0).labels["Filler"] == 1
    raw_write(loaded, "CREATE (:Filler {i: 2})")
    assert graph_schema.cached(loaded, min_age_s=0).labels["Filler"] == 1
    assert graph_schema.cached(loaded, max_age_s=0, min_age_s=0).labels["Filler"] == 2
