"""A write unit is all-or-nothing on both engines, whatever fails inside it.

Fault injection with the real engine: a real multi-statement unit (a manifest with
people, teams, memberships closed and opened, ownerships moved, artifacts, versions,
commits, runs and lineage, plus its audit events and head) gets a failing statement
inserted after statement k, for every k: a test-only query that does its own writes and
then fails inside the engine, by a runtime error or by a unique constraint. After each
attempt the graph, the audit head and both audit checks are exactly as before; without
the fault the same unit applies whole.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from graph_model.errors import ValidationFailed, WriteFailed
from graph_model.ingest import manifest, parse
from graph_model.services import audit, audit_state, write_path
from graph_model.store import neo4j_store, queries
from graph_model.store.base import Statement

from ..helpers import counts
from ..manifests import SMALL_NODES, small

BOTH = pytest.mark.parametrize("store", ["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)],
                               indirect=True)
FAULTS = Path(__file__).parent / "cypher"

# before the unit: ana primary and bo steward of raw/events, team ml accountable, cy in ml;
# the unit (tests.manifests.SMALL) closes all three and opens new ones
BASE = {
    "reason": "before",
    "people": [{"id": "ana", "name": "Ana Silva"}, {"id": "bo", "name": "Bo Chen"},
               {"id": "cy", "name": "Cy Okafor"}],
    "teams": [{"id": "ml", "name": "ML Platform", "members": ["ana", "bo", "cy"]}],
    "artifacts": [{"uid": "raw/events", "kind": "dataset", "owner": "ana", "team": "ml"}],
}


@pytest.fixture
def fault_queries(monkeypatch):
    """Let the store find the test-only fault queries by name."""
    real = queries.get

    def get(name: str, engine: str | None = None) -> str:
        path = FAULTS / f"{name}.cypher"
        if path.is_file():
            return queries._strip(path.read_text(encoding="utf-8"))
        return real(name, engine)

    monkeypatch.setattr(queries, "get", get)


def _with_fault(store, monkeypatch, k: int | None, fault: Statement | None, seen: list) -> None:
    """Make the store's next units insert ``fault`` after their statement ``k``; without a
    fault, only record the statements' names and write nothing."""
    original = type(store).write_unit

    def write_unit(self, planner, after=None):
        def faulty(reader):
            plan = planner(reader)
            seen[:] = [st.name for st in plan.statements]
            if fault is None:
                return dataclasses.replace(plan, statements=[])
            statements = list(plan.statements)
            statements.insert(k + 1, fault)
            return dataclasses.replace(plan, statements=statements)
        return original(self, faulty, after=after)

    monkeypatch.setattr(store, "write_unit", write_unit.__get__(store))


def _snapshot(store) -> tuple:
    return counts(store), store.read("audit_head")[0], audit.verify(store)


def _ingest(store):
    return manifest.ingest(store, parse.validate(small()), actor="tester")


FAULT_KINDS = {
    "runtime": Statement("fault_runtime", {"rows": [1, 2]}),
    "constraint": Statement("fault_constraint", {"rows": [{"k": 1, "existing": "ana"}]}),
}


@BOTH
@pytest.mark.parametrize("kind", sorted(FAULT_KINDS))
def test_a_failing_statement_at_any_position_leaves_nothing(store, monkeypatch, fault_queries, kind):
    _fault_after_every_statement(store, monkeypatch, kind)


@pytest.mark.parametrize("store", [pytest.param("neo4j", marks=pytest.mark.neo4j)], indirect=True)
@pytest.mark.parametrize("kind", sorted(FAULT_KINDS))
def test_a_large_neo4j_unit_sent_statement_by_statement_is_all_or_nothing(store, monkeypatch,
                                                                          fault_queries, kind):
    """Neo4j sends a unit of more than ``COMPOSE_ROWS`` rows a statement at a time without
    waiting for each outcome (a bulk load's path): a statement failing there still fails
    the unit whole."""
    monkeypatch.setattr(neo4j_store, "COMPOSE_ROWS", 0)
    _fault_after_every_statement(store, monkeypatch, kind)


def _fault_after_every_statement(store, monkeypatch, kind: str) -> None:
    manifest.ingest(store, parse.validate(BASE), actor="tester")
    before = _snapshot(store)
    assert audit_state.check_state(store) == []
    names: list[str] = []
    with monkeypatch.context() as m:
        _with_fault(store, m, None, None, names)
        _ingest(store)  # learns the unit's statements, writes nothing
    assert {"upsert_people", "close_memberships", "open_memberships", "close_ownerships",
            "open_ownerships", "close_team_ownerships", "open_team_ownerships", "create_artifacts",
            "create_commits", "create_versions", "create_previous_links", "create_built_from_links",
            "upsert_runs", "create_lineage", "append_audit", "set_audit_head"} <= set(names)
    for k in range(len(names)):
        with monkeypatch.context() as m:
            _with_fault(store, m, k, FAULT_KINDS[kind], [])
            with pytest.raises(WriteFailed):
                _ingest(store)
        assert _snapshot(store) == before, f"fault after statement {k} ({names[k]}) left a trace"
    assert audit_state.check_state(store) == []
    summary = _ingest(store)  # the same unit without the fault applies whole
    after = counts(store)
    assert summary.events > 20 and audit.verify(store) == before[2] + summary.events
    for label, n in SMALL_NODES.items():
        assert after[label] == n
    assert after["-OWNS-"] == before[0]["-OWNS-"] + 10 and "Fault" not in after
    assert audit_state.check_state(store) == []


@BOTH
def test_a_value_the_engine_cannot_take_writes_nothing(store):
    """NUL splits FalkorDB's query text. Validation refuses it in names (by path, both
    engines); below validation, the FalkorDB store refuses it by path before anything is
    sent and Neo4j stores it. Either way the unit is whole or absent and the log agrees."""
    before = _snapshot(store)
    data = {"people": [{"id": "p.two", "name": "P\u0000Two"}],
            "artifacts": [{"uid": "x/a", "kind": "model", "owner": "p.two"}]}
    with pytest.raises(ValidationFailed) as e:
        manifest.ingest(store, parse.validate(data), actor="tester")
    assert [p.path for p in e.value.problems] == ["people[0].name"]
    assert _snapshot(store) == before

    def planner(reader, at):
        rows = [{"id": "p.two", "name": "P\u0000Two", "email": None, "active": True}]
        return write_path.ChangePlan([Statement("upsert_people", {"rows": rows})],
                                     [audit.Change("person.create", "person", "p.two",
                                                   {k: v for k, v in rows[0].items() if k != "id"})])
    try:
        write_path.apply(store, planner, actor="tester")
    except ValidationFailed as e:
        assert store.backend == "falkordb"
        assert any("NUL" in p.message and "rows[0].name" in p.path for p in e.problems)
        assert _snapshot(store) == before
    else:
        assert store.backend == "neo4j"
        assert store.read("people_by_ids", ids=["p.two"])[0]["name"] == "P\u0000Two"
    assert audit_state.check_state(store) == []


@BOTH
def test_a_no_op_unit_writes_nothing_not_even_a_lock(store):
    _ingest(store)
    head = store.read("audit_head")[0]
    before = counts(store)
    assert _ingest(store).events == 0
    assert store.read("audit_head")[0] == head and counts(store) == before
    if store.backend == "neo4j":
        with store._driver.session() as s:
            props = s.run("MATCH (h:AuditHead) RETURN keys(h) AS k").single()["k"]
        assert sorted(props) == ["hash", "id", "seq"]  # no lock marker left behind


def test_a_unit_planned_before_another_commits_is_planned_again(store):
    """The plan carries the audit head it was made against: when another unit commits
    between this unit's reads and its write, the write is refused whole and planned again
    over the new state (on Neo4j: the lock, the guard and the statements are one query
    first, then the lock is taken first), so both land and the chain stays one."""
    import threading
    manifest.ingest(store, parse.validate(small()), actor="t")
    plans: list[int] = []

    def person(pid: str):
        def planner(reader, at):
            reader("people_by_ids", ids=[pid])
            return write_path.ChangePlan([Statement("upsert_people", {"rows": [
                {"id": pid, "name": pid, "email": None, "handle": None, "active": True}]})],
                [audit.Change("person.create", "person", pid, {"name": pid})])
        return planner

    def mine(reader, at):
        plans.append(1)
        plan = person("mine")(reader, at)
        if len(plans) <= 2:   # another writer commits after this plan read the head, twice
            t = threading.Thread(target=write_path.apply,
                                 args=(store, person(f"other{len(plans)}")), kwargs={"actor": "x"})
            t.start()
            t.join()
        return plan

    summary = write_path.apply(store, mine, actor="me")
    assert len(plans) == 3 and summary.events == 1
    ids = {r["id"] for r in store.read("people_by_ids", ids=["mine", "other1", "other2"])}
    assert ids == {"mine", "other1", "other2"}
    events = store.read("audit_events_page", after=0, limit=1000)
    assert [e["target"] for e in events[-3:]] == ["other1", "other2", "mine"]
    audit.verify(store)
