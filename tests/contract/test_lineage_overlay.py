"""The lineage queue's writer plans the next unit over the state the unit being written
leaves (``ol_overlay``), on both engines: the graph and the audit chain are those of the
units applied in turn; a unit whose outcome cannot be told exactly (a version's time
moved, owners declared) makes the next one planned at its turn, and so does a write in
between. On Neo4j, whose reads may see part of a commit in progress, every unit is
planned at its turn and gives the same graph (``GraphStore.reads_wait_for_writes``)."""

from __future__ import annotations

import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest

from graph_model.ingest import ol_events, ol_outcome, ol_overlay, openlineage
from graph_model.services import audit, write_path
from graph_model.store.base import Statement
from tests.contract.test_lineage_ahead import (_fresh, _in_turn, _units, person_written_after_first,
                                               through_writer_process)

NS = "postgres://chain-db:5432"
START = datetime(2026, 3, 1, tzinfo=timezone.utc)
LATE_UNIT = 4   # the unit that brings the START of a run whose COMPLETE came in the unit before


def _event(kind: str, job: int, rid: str, at: datetime, inputs: list[str], output: str) -> dict:
    return {"eventType": kind, "eventTime": at.isoformat().replace("+00:00", "Z"), "producer": "chain-test",
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json", "run": {"runId": rid},
            "job": {"namespace": "chain_jobs", "name": f"job{job}"},
            "inputs": [{"namespace": NS, "name": n} for n in inputs],
            "outputs": [{"namespace": NS, "name": output}] if output else []}


def _chain(units: int = 6, jobs: int = 4) -> list[tuple]:
    """Units of runs over a chain of jobs: job k reads what job k-1 wrote (in this unit
    or the one before) and its own last output; every third run of job 2 fails; the
    run of job 1 in unit 3 sends its COMPLETE in unit 3 and its START in unit 4. Job 0
    runs twice in unit 1, and a backfill in unit 2 reads ``d0`` between those two runs'
    versions, so its version is found by a scan (the newest is after the read)."""
    out, late = [], []
    for u in range(units):
        events = list(late)
        late = []
        if u == 1:   # a second run of job 0, its version of d0 after the first's
            at = START + timedelta(minutes=jobs, seconds=40)
            rid = str(uuid.UUID(int=9001))
            events += [_event("START", 0, rid, at, ["src", "d0"], "d0"),
                       _event("COMPLETE", 0, rid, at + timedelta(seconds=30), ["src", "d0"], "d0")]
        if u == 2:   # the backfill, reading d0 between the two versions of unit 1
            at = START + timedelta(minutes=jobs + 1)
            rid = str(uuid.UUID(int=9002))
            events += [_event("START", 9, rid, at, ["d0"], "bf"),
                       _event("COMPLETE", 9, rid, at + timedelta(seconds=5), ["d0"], "bf")]
        for k in range(jobs):
            rid = str(uuid.UUID(int=u * 100 + k + 1))
            at = START + timedelta(minutes=u * jobs + k)
            inputs = [f"d{k - 1}" if k else "src"] + ([f"d{k}"] if u else [])
            terminal = "FAIL" if k == 2 and u % 3 == 2 else "COMPLETE"
            start = _event("START", k, rid, at, inputs, f"d{k}")
            end = _event(terminal, k, rid, at + timedelta(seconds=30), inputs, f"d{k}")
            if u == LATE_UNIT - 1 and k == 1:
                events.append(end)
                late.append(start)
            else:
                events += [start, end]
        out.append(("apply", ol_events.events(events, batch=True), "pipeline-bot", f"chain unit {u}"))
    return out


def _graph(store) -> dict:
    """Every artifact, version and run with what the planner reads of it, and the
    relationships between them, in an engine-independent order."""
    def rows(text: str) -> list:
        return sorted(tuple(map(str, r)) for r in store.query_readonly(text, {}, 60_000, 100_000).rows)
    return {
        "artifacts": rows("MATCH (a:Artifact) RETURN a.uid, a.kind, a.lineage, a.origin_name, a.latest_version, "
                          "a.latest_seq, a.newest_version, a.newest_at, a.newest_seq"),
        "versions": rows("MATCH (v:Version) RETURN v.uid, v.seq, v.created_at, v.schema, v.artifact_uid"),
        "runs": rows("MATCH (r:Run) RETURN r.id, r.status, r.started_at, r.ended_at, r.seen_at, r.job_uid, "
                     "r.parent_run, r.error_message"),
        "edges": rows("MATCH (x)-[e]->(y) WHERE NOT x:AuditEvent "
                      "RETURN coalesce(x.uid, x.id, x.sha), type(e), e.relation, coalesce(y.uid, y.id, y.sha)"),
    }


def _outcome(store) -> tuple:
    return _graph(store), int(store.read("audit_head")[0]["seq"]), audit.verify(store)


def _overlaid(store, messages: list[tuple], between=lambda i: None) -> tuple[list[bool], list]:
    """Apply ``messages`` as the embedded engine's writer process does; ``between(i)``
    runs after unit i was written. Returns, per unit, whether it was written as planned
    over the outcome of the one before, and each unit's error (None: written)."""
    inbox = deque(messages[1:])
    take_next = lambda wait_s=0.0: inbox.popleft() if inbox else None   # noqa: E731
    message, ahead, used, errors = messages[0], None, [], []
    with ThreadPoolExecutor(max_workers=1) as pool:
        while message is not None:
            planned_ahead, nxt, error = ol_overlay.apply(pool, store, message[1], message[2], message[3], ahead,
                                                         take_next)
            used.append(planned_ahead)
            errors.append(error)
            between(len(used) - 1)
            message, ahead = (nxt.message, nxt) if nxt is not None else (take_next(), None)
    return used, errors


def _ahead(store, used: list[bool]) -> list[bool]:
    """``used`` where the store's reads wait for a write; every unit at its turn where a
    read may see part of a commit (Neo4j: ``GraphStore.reads_wait_for_writes``)."""
    return used if store.reads_wait_for_writes else [False] * len(used)


def _as_in_turn(store, messages: list[tuple], between=lambda i: None) -> list[bool]:
    """``_overlaid`` on a fresh store, every unit written and the outcome that of the
    units in turn; whether each was written as planned ahead."""
    _fresh(store)
    _in_turn(store, messages, between)
    expected = _outcome(store)
    _fresh(store)
    used, errors = _overlaid(store, messages, between)
    assert errors == [None] * len(messages)
    assert _outcome(store) == expected
    return used


@pytest.mark.parametrize("workload", ["chain", "corpus"])
def test_units_planned_over_the_unit_before_give_the_graph_and_audit_of_units_in_turn(store, workload):
    messages = _chain() if workload == "chain" else _units(owned=False)
    used = _as_in_turn(store, messages)
    if workload == "chain":
        # the late START moves its run's version back in time (a version rewritten: the
        # outcome cannot tell its artifact's pointers), so the unit after it is planned at
        # its turn; every other unit after the first was planned over the one before
        assert used == _ahead(store, [False] + [True] * (LATE_UNIT - 1) + [True, False])
    else:
        assert used[0] is False and (sum(used) >= 1) == store.reads_wait_for_writes


class _StoreReader:
    """Reads as a planner does, outside a write unit (one joined query for ``many``)."""

    def __init__(self, store) -> None:
        self.store = store

    def __call__(self, name: str, **params) -> list[dict]:
        return self.store.read(name, **params)

    def many(self, calls: list) -> list[list[dict]]:
        return self.store.read_many(calls)


def _planned_now(store, message: tuple) -> tuple:
    """``message`` planned at its turn over what is stored now: (plan, what it read)."""
    _, events, actor, reason = message
    recorder = ol_outcome.Recorder(_StoreReader(store))
    at = write_path.now_ms()
    cp = openlineage.plan_events(events, recorder, at)
    return write_path.unit_plan(cp, store.read("audit_head")[0], actor, reason, at), recorder.rows


def test_planned_over_an_outcome_while_the_engine_still_answers_as_before_it(store):
    """The order most unlike the one before: every unit is planned over the outcome of
    the one before while that one is not written yet, so the engine answers every key
    as it was before it; written in order, they give the graph of units in turn."""
    messages = _chain()
    _fresh(store)
    _in_turn(store, messages)
    expected = _outcome(store)
    _fresh(store)
    plan, read = _planned_now(store, messages[0])
    ahead_count = 0
    for message in messages[1:]:
        outcome = ol_outcome.Outcome.of(read, plan)
        ahead, next_read = ol_overlay.plan_over(store, outcome, message) if outcome is not None else (None, None)
        store.write_unit(lambda _reader, plan=plan: plan)   # refused unless over the head it was planned on
        if ahead is None:
            plan, read = _planned_now(store, message)
        else:
            plan, read = ahead.plan, next_read
            ahead_count += 1
    store.write_unit(lambda _reader: plan)
    assert _outcome(store) == expected
    assert ahead_count == len(messages) - 2   # all but the unit after the late START


def test_a_unit_after_one_that_declares_owners_is_planned_at_its_turn(store):
    messages = _units(owned=True)
    assert _as_in_turn(store, messages) == [False] * len(messages)   # each unit of the corpus declares owners


def test_a_write_in_between_makes_the_next_unit_planned_at_its_turn(store):
    used = _as_in_turn(store, _chain(), person_written_after_first(store))
    assert used[:3] == _ahead(store, [False, False, True])
    times = [e["at"] for e in store.read("audit_events_page", after=0, limit=10_000)]
    assert times == sorted(times)


def test_a_failed_unit_drops_the_plan_over_it_and_the_next_is_planned_at_its_turn(store, monkeypatch):
    """Unit 1 fails in the engine after the next was planned over its outcome: nothing of
    it is written, and unit 2 is planned at its turn over what is really stored."""
    messages = _chain(units=4)
    _fresh(store)
    _in_turn(store, [messages[0], messages[2], messages[3]])
    expected = _outcome(store)
    _fresh(store)
    real = store.write_unit
    calls = []

    def refuse_second(planner, after=None):
        calls.append(1)
        if len(calls) == 2:
            def failing(reader):
                plan = planner(reader)
                plan.statements = [*plan.statements, Statement("audit_guard", {"seq": -1})]
                plan.prepared = None
                return plan
            return real(failing, after)
        return real(planner, after)
    monkeypatch.setattr(store, "write_unit", refuse_second)
    used, errors = _overlaid(store, messages)
    assert errors[0] is None and errors[1] is not None and errors[2:] == [None, None]
    assert used == _ahead(store, [False, False, False, True])   # unit 1 failed; unit 2 was planned at its turn
    assert _outcome(store) == expected


def test_the_writer_process_plans_units_ahead_on_both_engines(store):
    """Through the queue's writer process: the graph and audit chain of units in turn,
    and units written as planned ahead (over the outcome before, or during the commit)."""
    assert through_writer_process(store, _chain(), _outcome) >= 1
