"""A bulk load on Neo4j plans each unit while the one before it commits
(``ingest.planned_ahead``): what it writes is what units planned one at a time, in turn,
write, whenever the plan made ahead is used and whenever it may not be. The mechanism
is engine-neutral and tested on both engines; bulk loads use it where it overlaps
something (``GraphStore.plans_while_committing``).
"""

from __future__ import annotations

import pytest

from graph_model import demo
from graph_model.errors import ValidationFailed
from graph_model.ingest import bulk, manifest, parse, planned_ahead
from graph_model.services import audit, audit_state, write_path
from graph_model.store.base import Statement

from ..helpers import counts
from .test_demo_org import NOW

SIZE, CHUNK = 150, 30


def _units() -> list[tuple[int, dict]]:
    return [(u.at_ms, u.manifest) for u in demo.iter_demo_units(size=SIZE, seed=7, now=NOW,
                                                                chunk_artifacts=CHUNK)]


def _one_at_a_time(store, units) -> None:
    for at, m in units:
        manifest.ingest(store, parse.check(m), actor="demo", at=at)


def _chain(store) -> list[dict]:
    return store.read("audit_events_page", after=0, limit=100_000)


def _ahead(store, units, actor="demo") -> tuple[int, int]:
    """Apply ``units`` planned ahead: (units applied, units written from a plan made ahead)."""
    applied = list(planned_ahead.apply_in_order(store, ((at, parse.check(m)) for at, m in units),
                                                actor=actor))
    return len(applied), sum(a.planned_ahead for a in applied)


def _reload(store) -> None:
    store.clear()
    store.ensure_schema()


def test_units_planned_ahead_write_what_units_planned_in_turn_write(store):
    """The same graph and the same audit chain, hash for hash; the plan made ahead was
    the one written for every unit after the first (the organisation, then its history)."""
    units = _units()
    _one_at_a_time(store, units)
    expected_counts, expected_chain = counts(store), _chain(store)
    _reload(store)
    applied, ahead = _ahead(store, units)
    assert applied == len(units) > 5
    assert counts(store) == expected_counts
    assert _chain(store) == expected_chain
    assert ahead == len(units) - 1
    assert audit_state.check_state(store) == []


def test_bulk_loads_plan_ahead_where_the_engine_commits_after_the_early_read(store):
    units = _units()[:4]
    result = bulk.ingest_dated(store, iter(units), actor="demo")
    assert result.chunks == 4
    assert result.planned_ahead == (3 if store.backend == "neo4j" else 0)
    assert store.plans_while_committing == (store.backend == "neo4j")


def _person(pid: str):
    def planner(reader, at):
        reader("people_by_ids", ids=[pid])
        return write_path.ChangePlan(
            [Statement("upsert_people", {"rows": [{"id": pid, "name": pid, "email": None,
                                                    "handle": None, "active": True}]})],
            [audit.Change("person.create", "person", pid, {"name": pid, "email": None, "active": True})])
    return planner


def test_a_write_between_two_units_has_the_next_one_planned_at_its_turn(store, monkeypatch):
    """Another writer commits just before unit 3 is written: its plan made ahead is over a
    state that is no longer the store's (the audit head moved), so it is planned again;
    the load and the other write both land, and the chain is one."""
    units = _units()[:5]
    original = type(store).write_unit
    calls = []

    def write_unit(self, planner, after=None):
        calls.append(1)
        if len(calls) == 3:   # unit 3 (0-based 2): someone else writes first
            original(self, _as_unit(_person("intruder")))
        return original(self, planner, after=after)

    monkeypatch.setattr(store, "write_unit", write_unit.__get__(store))
    applied, ahead = _ahead(store, units)
    monkeypatch.undo()
    assert applied == 5 and ahead == 3   # units 2, 4 and 5, not 3
    assert store.read("people_by_ids", ids=["intruder"])
    loaded, chain = counts(store), _chain(store)
    assert [e["target"] for e in chain].count("intruder") == 1
    audit.verify(store)
    assert audit_state.check_state(store) == []
    _reload(store)
    _one_at_a_time(store, units)
    intruder = {"Person": 1, "AuditEvent": 1}   # and nothing else differs
    assert counts(store) == {k: v - intruder.get(k, 0) for k, v in loaded.items()}


def _as_unit(planner):
    """A write_path planner as the store's unit (the head read first, audited)."""
    def unit(raw):
        reader = write_path.HeadFirst(raw)
        return write_path.unit_plan(planner(reader, 1), reader.head(), "other", None, 1)
    return unit


def test_a_bad_unit_after_good_ones_is_refused_after_they_are_applied(store):
    """Planning it ahead fails; at its turn it is planned again and refused with the
    paths of what is wrong, after the units before it were applied, and nothing of it is
    written."""
    good = [(1_000, {"people": [{"id": "ana", "name": "Ana"}],
                     "artifacts": [{"uid": "raw/a", "kind": "dataset", "owner": "ana",
                                    "versions": [{"version": "1"}]}]}),
            (2_000, {"artifacts": [{"uid": "feat/b", "kind": "feature_set", "owner": "ana",
                                    "versions": [{"version": "1", "derived_from": [{"uid": "raw/a@1"}]}]}]})]
    bad = (3_000, {"artifacts": [{"uid": "models/c", "kind": "model", "owner": "nobody",
                                  "versions": [{"version": "1", "derived_from": [{"uid": "feat/b@9"}]}]}]})
    with pytest.raises(ValidationFailed) as e:
        _ahead(store, [*good, bad], actor="t")
    assert sorted(p.path for p in e.value.problems) == [
        "artifacts[0].owner", "artifacts[0].versions[0].derived_from[0]"]
    uids = {r["uid"] for r in store.read("artifacts_by_uids", uids=["raw/a", "feat/b", "models/c"])}
    assert uids == {"raw/a", "feat/b"}
    assert audit.verify(store) == len(_chain(store)) and audit_state.check_state(store) == []


def test_a_unit_whose_plan_needs_a_read_of_its_own_is_planned_at_its_turn(store):
    """Playbooks are read when planned, and the early read does not take them: that unit
    is planned at its turn, and what it writes is what a unit planned in turn writes."""
    first = (1_000, {"people": [{"id": "ana", "name": "Ana"}],
                     "artifacts": [{"uid": "raw/a", "kind": "dataset", "owner": "ana"}]})
    second = (2_000, {"artifacts": [{"uid": "raw/a", "kind": "dataset",
                                     "playbook": {"rollback": "Check the loader first."}}]})
    third = (3_000, {"artifacts": [{"uid": "raw/b", "kind": "dataset", "owner": "ana"}]})
    assert _ahead(store, [first, second, third]) == (3, 1)   # the third, not the second
    loaded, chain = counts(store), _chain(store)
    _reload(store)
    _one_at_a_time(store, [first, second, third])
    assert counts(store) == loaded and _chain(store) == chain
    assert [e["action"] for e in chain].count("playbook.set") == 1
