"""Store-level behaviour: parameters, schema, read-only queries, on both backends."""

from __future__ import annotations

import pytest

from graph_model.errors import PermissionDenied, ValidationFailed
from graph_model.ingest import manifest, parse

from ..conftest import raw_write
from ..helpers import counts
from ..manifests import small


def test_ensure_schema_is_idempotent(store):
    """Running the set-up again neither fails nor loses the uniqueness it set up."""
    store.ensure_schema()
    store.ensure_schema()
    raw_write(store, "CREATE (:Person {id: 'twice', name: 'A'})")
    with pytest.raises(Exception):
        raw_write(store, "CREATE (:Person {id: 'twice', name: 'B'})")
    rows = store.query_readonly("MATCH (p:Person {id: 'twice'}) RETURN p.name AS name", {}, 5000, 10)
    assert rows.rows == [["A"]]


def test_an_older_audit_number_constraint_is_dropped_on_the_embedded_engine(store):
    """Data directories made before it was dropped hold a unique constraint on the audit
    event's number (schema_setup says why it goes); the set-up drops it and keeps the
    index. Neo4j keeps it."""
    if store.backend == "falkordb":
        store._conn.execute_command("GRAPH.CONSTRAINT", "CREATE", store.graph_name, "UNIQUE", "NODE",
                                    "AuditEvent", "PROPERTIES", 1, "seq")
        assert ("AuditEvent", ["seq"]) in [(c[1], c[2]) for c in store._constraints()]
        store.ensure_schema()
        assert ("AuditEvent", ["seq"]) not in [(c[1], c[2]) for c in store._constraints()]
        assert ("Artifact", ["uid"]) in [(c[1], c[2]) for c in store._constraints()]
        assert any(r["label"] == "AuditEvent" and "seq" in r["properties"] for r in store._indexes())
    else:
        store.ensure_schema()
        names = [r[0] for r in store._driver.execute_query("SHOW CONSTRAINTS YIELD name").records]
        assert "auditevent_seq_unique" in names


def test_parameters_carry_any_text(store):
    for text in ["plain", "it's", 'say "hi"', "back\\slash", "new\nline", "ünï", "`tick`", "", "}) RETURN 1 //"]:
        rows = store.read("people_by_ids", ids=[text])
        assert rows == []
    res = store.query_readonly("RETURN $x AS x, $b AS b, $f AS f, $l AS l",
                               {"x": "a\"b\\c'd\ne", "b": True, "f": 1e-05, "l": [1, "two", None]}, 5000, 10)
    assert res.rows == [["a\"b\\c'd\ne", True, 1e-05, [1, "two", None]]]


def test_readonly_query_reads_and_caps_rows(store):
    manifest.ingest(store, parse.validate(small()), actor="t")
    res = store.query_readonly("MATCH (p:Person) RETURN p.id AS id ORDER BY id", {}, 5000, 3)
    assert res.columns == ["id"] and res.rows == [["ana"], ["bo"], ["cy"]] and res.truncated
    res = store.query_readonly("MATCH (p:Person {id: $id}) RETURN p", {"id": "ana"}, 5000, 10)
    node = res.rows[0][0]
    assert node["_type"] == "node" and node["labels"] == ["Person"] and node["properties"]["name"] == "Ana Silva"


@pytest.mark.parametrize("query", [
    "CREATE (:Person {id: 'intruder'})",
    "MATCH (p:Person) SET p.name = 'x'",
    "MATCH (n) DETACH DELETE n",
    "MERGE (p:Person {id: 'intruder'}) RETURN p",
])
def test_readonly_query_refuses_writes(store, query):
    manifest.ingest(store, parse.validate(small()), actor="t")
    before = counts(store)
    with pytest.raises(PermissionDenied):
        store.query_readonly(query, {}, 5000, 10)
    assert counts(store) == before


def test_readonly_query_reports_syntax_errors(store):
    with pytest.raises(ValidationFailed):
        store.query_readonly("MATCH (n RETURN n", {}, 5000, 10)


def test_a_planner_gets_independent_reads_answered_in_order(store):
    """``read_all`` joins a planner's independent reads into one query (``union_reads``);
    each answer is still the one its read alone gives, in the order asked, whatever the
    read's shape: aggregation, ``collect`` of maps, ``ORDER BY``, no rows, a key read twice."""
    from graph_model.store.base import Plan, read_all
    manifest.ingest(store, parse.validate(small()), actor="t")
    raw_write(store, "UNWIND range(1, 30) AS i CREATE (:Artifact {uid: 'x/a' + toString(i), kind: 'model'})")
    calls = [("ol_artifacts_by_uids", {"uids": [f"x/a{i}" for i in range(k, k + 5)]}) for k in (1, 11, 21, 40)]
    calls += [("audit_head", {}), ("people_by_ids", {"ids": ["ana", "bo", "nobody"]}),
              ("ol_artifacts_by_uids", {"uids": ["x/a1"]}), ("ol_runs_by_ids", {"ids": []}),
              ("ol_versions_by_uids", {"uids": ["models/churn@2", "features/user@1"]}),
              ("window_versions_of", {"uids": ["models/churn", "raw/events"], "since": 0, "at": 2**62}),
              ("latest_versions_of", {"uids": ["models/churn", "raw/events", "x/a1"]}),
              # enough keys that the embedded engine's reader sends the reads as two queries
              ("ol_artifacts_by_uids", {"uids": [f"x/a{i}" for i in range(300)]})]
    alone = [store.read(name, **params) for name, params in calls]
    together = store.write_unit(lambda reader: Plan([], result=read_all(reader, calls)))
    assert together == alone
    assert [sorted(r["uid"] for r in rows) for rows in together[:3]] == [
        sorted(f"x/a{i}" for i in range(k, k + 5)) for k in (1, 11, 21)] and together[3] == []
    assert together[4][0]["seq"] > 0 and sorted(p["id"] for p in together[5]) == ["ana", "bo"]
    assert [r["version"] for r in together[9]] == ["models/churn@1", "models/churn@2",
                                                   "raw/events@2026-11-20", "raw/events@2026-11-21"]
    assert sorted(r["latest"] for r in together[10]) == ["models/churn@2", "raw/events@2026-11-21"]
    assert len(together[11]) == 30
    assert {u["relation"] for r in together[8] if r["uid"] == "models/churn@2" for u in r["upstream"]} == {
        "trained_on", "evaluated_on"}


def test_reads_joined_outside_a_unit_answer_as_each_alone(store):
    """``read_many`` (the pages' joined reads, ``services.read_batch``) answers each read
    as it alone does, in order, bare-variable columns, no rows and repeats included."""
    manifest.ingest(store, parse.validate(small()), actor="t")
    calls = [("owners_as_of", {"uids": ["models/churn", "raw/events", "nope"], "at": 2**62}),
             ("last_changes", {"uids": ["models/churn", "raw/events"], "at": 2**62}),
             ("people_by_ids", {"ids": []}),
             ("owners_as_of", {"uids": ["models/churn"], "at": 2**62}),
             ("review_facts_of", {"uids": ["models/churn"]})]
    alone = [store.read(name, **params) for name, params in calls]
    assert store.read_many(calls) == alone
    assert sorted(r["uid"] for r in alone[0]) == ["models/churn", "raw/events"] and alone[2] == []


def test_loaders_run_together_answer_as_they_do_alone(store):
    """``read_batch.together``: loaders give what they give alone, with their foreseen
    reads joined into one query, and a read that depends on an answer still answered."""
    from graph_model.services import ownership, read_batch
    manifest.ingest(store, parse.validate(small()), actor="t")
    uids, at = ["models/churn", "raw/events", "nope"], 2**62
    joined: list = []
    real = store.read_many

    def counting(calls):
        joined.append([name for name, _ in calls])
        return real(calls)

    def dependent(s):
        owned = ownership.load_owned(s, uids, at)   # its next read needs this answer
        return ownership.load_members(s, {o.team["id"] for o in owned.values() if o.team}, at)

    loaders = [lambda s: ownership.load_owned(s, uids, at), lambda s: ownership.load_last_changes(s, uids, at),
               dependent]
    alone = [loader(store) for loader in loaders]
    store.read_many = counting
    try:
        together = read_batch.together(store, *loaders)
    finally:
        del store.read_many
    assert together[1] == alone[1] and together[2] == alone[2] and alone[2]
    assert {u: (o.owner, o.team) for u, o in together[0].items()} == {u: (o.owner, o.team) for u, o in alone[0].items()}
    # the dependent loader's first read is loader 0's, asked once; its members read,
    # unforeseeable from an empty answer, went on its own and was answered all the same
    assert joined == [["owners_as_of", "last_changes"]]

