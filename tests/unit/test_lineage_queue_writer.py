"""The lineage queue's writer on its own (real files, a recording writer in place of the
store): how requests are grouped into units, what a refused request becomes, and that
accepting waits for the disk, not for the writer."""

from __future__ import annotations

import json
import threading
import time

import pytest

from graph_model.errors import Problem, StoreUnavailable, ValidationFailed
from graph_model.ingest import ol_spool
from tests.lineage_corpus import corpus


class Recorder:
    """Records each unit (its actor and event count); refuses units holding a marked run."""

    def __init__(self, refuse_run: str | None = None, gate: threading.Event | None = None) -> None:
        self.units: list[tuple[str | None, int, str]] = []
        self.tried: list[int] = []
        self.refuse_run, self.gate = refuse_run, gate

    def __call__(self, events, actor, reason):
        if self.gate is not None:
            self.gate.wait(10)
        self.tried.append(len(events))
        if self.refuse_run and any(e.run_id == self.refuse_run for e in events):
            raise ValidationFailed([Problem("run.runId", "refused by the planner")])
        self.units.append((actor, len(events), reason))


def test_accepting_does_not_wait_for_the_writer_and_units_join_one_actors_requests(tmp_path):
    gate = threading.Event()
    rec = Recorder(gate=gate)
    q = ol_spool.Spool(tmp_path, rec)
    try:
        events = corpus()
        for e in events:   # the writer is held: every accept still returns
            q.accept(e, batch=False, actor="feed-a", events=1)
        q.accept(events[:2], batch=True, actor="feed-b", events=2)
        assert q.status()["accepted_requests"] == len(events) + 1 and q.status()["pending_bytes"] > 0
        lines = (tmp_path / "events.log").read_bytes().splitlines()
        assert len(lines) == len(events) + 1 and json.loads(lines[-1])["actor"] == "feed-b"
        gate.set()
        assert q.wait_applied(30)
    finally:
        q.close()
    # the first unit may start before the rest arrive; after it, one actor's queued requests go together
    assert sum(n for a, n, _ in rec.units if a == "feed-a") == len(events)
    assert [u for u in rec.units if u[0] == "feed-b"] == [("feed-b", 2, "openlineage batch of 2 events")]
    assert len(rec.units) <= 3 and any(n > 1 and "queued requests" in r for _, n, r in rec.units)


def test_a_unit_holds_at_most_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(ol_spool, "MAX_UNIT_EVENTS", 5)
    gate = threading.Event()
    rec = Recorder(gate=gate)
    q = ol_spool.Spool(tmp_path, rec)
    try:
        for e in corpus()[:12]:
            q.accept(e, batch=False, actor="feed", events=1)
        gate.set()
        assert q.wait_applied(30)
    finally:
        q.close()
    assert sum(n for _, n, _ in rec.units) == 12 and max(n for _, n, _ in rec.units) <= 5


def test_requests_queued_behind_a_unit_are_checked_while_it_is_applied(tmp_path, monkeypatch):
    """Read ahead: the next unit's lines are read and checked on another thread during
    the current unit, not after it; each once; and they are then applied in order."""
    checked: list[tuple[str, int]] = []
    real = ol_spool.ol_events.events

    def recording(data, *, batch):
        out = real(data, batch=batch)
        checked.append((threading.current_thread().name, len(out)))
        return out
    monkeypatch.setattr(ol_spool.ol_events, "events", recording)
    gate, started = threading.Event(), threading.Event()
    seen: list[list[str]] = []

    def held(events, actor, reason):
        seen.append([e.run_id for e in events])
        if len(seen) == 1:
            started.set()
            assert gate.wait(10)
    events = corpus()
    q = ol_spool.Spool(tmp_path, held)
    try:
        q.accept(events[0], batch=False, actor="feed", events=1)
        assert started.wait(10)   # the first unit is being applied ...
        for e in events[1:]:
            q.accept(e, batch=False, actor="feed", events=1)
        deadline = time.monotonic() + 10   # ... while the rest is read and checked
        while sum(n for _, n in checked) < len(events) and time.monotonic() < deadline:
            time.sleep(0.01)
        during = list(checked)
        gate.set()
        assert q.wait_applied(30)
    finally:
        q.close()
    assert sum(n for _, n in during) == len(events)
    assert {name for name, _ in during[1:]} == {"lineage-spool-ahead_0"}
    assert len(checked) == len(events)   # nothing checked twice
    assert [r for unit in seen for r in unit] == [e["run"]["runId"] for e in events]


def test_a_refused_request_is_kept_aside_and_the_others_are_applied(tmp_path):
    events = corpus()
    bad_run = events[2]["run"]["runId"]
    gate = threading.Event()   # the first unit waits, so the others queue up and are tried together
    rec = Recorder(refuse_run=bad_run, gate=gate)
    q = ol_spool.Spool(tmp_path, rec)
    try:
        for e in events:
            q.accept(e, batch=False, actor="feed", events=1)
        gate.set()
        assert q.wait_applied(30)
        status = q.status()
    finally:
        q.close()
    refused = [e for e in events if e["run"]["runId"] == bad_run]
    assert status["rejected"] == len(refused)
    assert max(rec.tried) > 1   # the refused request went in with others first; they were then applied alone
    assert status["applied_events"] == len(events) - len(refused)
    kept = [json.loads(line) for line in (tmp_path / "rejected.log").read_text().splitlines()]
    assert [k["body"] for k in kept] == refused
    assert kept[0]["problems"] == [{"path": "run.runId", "message": "refused by the planner"}]


def test_a_damaged_line_is_kept_aside_and_the_writer_goes_on(tmp_path):
    events = corpus()[:3]
    lines = [json.dumps({"actor": "feed", "batch": False, "events": 1, "body": e}) for e in events]
    (tmp_path / "events.log").write_text("\n".join([lines[0], "not json at all", *lines[1:]]) + "\n")
    rec = Recorder()
    q = ol_spool.Spool(tmp_path, rec)
    try:
        assert q.wait_applied(30)
        status = q.status()
    finally:
        q.close()
    assert status["rejected"] == 1 and sum(n for _, n, _ in rec.units) == 3
    assert "damaged" in (tmp_path / "rejected.log").read_text()


def test_a_full_queue_holds_requests_back_then_refuses_them_with_a_retryable_error(tmp_path, monkeypatch):
    monkeypatch.setattr(ol_spool, "MAX_PENDING_BYTES", 3000)
    monkeypatch.setattr(ol_spool, "FULL_WAIT_S", 0.3)
    gate = threading.Event()
    q = ol_spool.Spool(tmp_path, Recorder(gate=gate))
    try:
        accepted = 0
        with pytest.raises(ol_spool.SpoolFull, match="not applied yet"):
            for e in corpus() * 5:
                q.accept(e, batch=False, actor="feed", events=1)
                accepted += 1
        assert 0 < accepted < len(corpus()) * 5
        assert q.status()["accepted_requests"] == accepted   # the refused one was not queued
        assert isinstance(ol_spool.SpoolFull("x"), StoreUnavailable)   # answered 503: feeds retry it
        gate.set()
        assert q.wait_applied(30)
        q.accept(corpus()[0], batch=False, actor="feed", events=1)   # room again
    finally:
        gate.set()
        q.close()


def test_the_writer_lets_reads_in_flight_finish_first():
    from app.reads_in_flight import ReadsInFlight
    reads, done = ReadsInFlight(), threading.Event()
    reads.enter()
    reads.enter()
    waiter = threading.Thread(target=lambda: (reads.wait_idle(10), done.set()))
    waiter.start()
    assert not done.wait(0.2)          # two reads in flight: the writer waits
    reads.leave()
    assert not done.wait(0.2)          # one still in flight
    reads.leave()
    assert done.wait(5)                # none: the unit starts
    waiter.join(5)
    reads.enter()
    reads.wait_idle(0.05)              # a read that never ends holds the writer back only so long


def _count_checks(monkeypatch) -> list[int]:
    """Record every check the spool makes of a queued request (events per check)."""
    counted: list[int] = []
    real = ol_spool.ol_events.events

    def counting(data, *, batch):
        out = real(data, batch=batch)
        counted.append(len(out))
        return out
    monkeypatch.setattr(ol_spool.ol_events, "events", counting)
    return counted


def test_checked_requests_are_handed_to_the_writer_without_being_read_and_checked_again(tmp_path, monkeypatch):
    from graph_model.ingest import ol_events
    events = corpus()
    checked = [ol_events.events(e, batch=False) for e in events]
    counted = _count_checks(monkeypatch)
    gate = threading.Event()
    seen: list = []

    def held(evs, actor, reason):
        assert gate.wait(10)
        seen.extend(evs)
    q = ol_spool.Spool(tmp_path, held)
    try:
        for e, c in zip(events, checked):
            q.accept(e, batch=False, actor="feed", events=1, checked=c)
        gate.set()
        assert q.wait_applied(30)
        assert q._handed == {}   # nothing left behind in memory
    finally:
        q.close()
    assert counted == []   # the spool checked nothing again ...
    assert [id(e) for e in seen] == [id(c[0]) for c in checked]   # ... it applied what the caller checked, in order
    assert len((tmp_path / "events.log").read_bytes().splitlines()) == len(events)   # and it is all on disk


def test_past_the_handoff_bound_and_after_a_restart_requests_are_read_back_from_the_log(tmp_path, monkeypatch):
    from graph_model.ingest import ol_events
    events = corpus()[:6]
    monkeypatch.setattr(ol_spool, "HANDOFF_BYTES", len(json.dumps(events[0])) * 3)
    counted = _count_checks(monkeypatch)
    gate = threading.Event()
    rec = Recorder(gate=gate)
    q = ol_spool.Spool(tmp_path, rec)
    try:
        for e in events:
            q.accept(e, batch=False, actor="feed", events=1, checked=ol_events.events(e, batch=False))
        gate.set()
        assert q.wait_applied(30)
    finally:
        q.close()
    checked_again = len(counted) - len(events)   # the calls above, then the spool's own
    assert 0 < checked_again < len(events)   # the first ones were handed over, the rest read back
    assert sum(n for _, n, _ in rec.units) == len(events)
    # a new server over the same directory reads what a previous one left from the log
    (tmp_path / "applied").write_text("0")
    counted.clear()
    rec2 = Recorder()
    q2 = ol_spool.Spool(tmp_path, rec2)
    try:
        assert q2.wait_applied(30)
    finally:
        q2.close()
    assert sum(counted) == len(events) and sum(n for _, n, _ in rec2.units) == len(events)


def test_requests_read_back_from_the_log_are_not_also_kept_in_memory(tmp_path, monkeypatch):
    """A request accepted without its checked events (read back from the log) in front
    of ones accepted with them: the read covers those too, and drops their copies."""
    from graph_model.ingest import ol_events
    events = corpus()[:5]
    gate, started = threading.Event(), threading.Event()
    seen: list = []

    def held(evs, actor, reason):
        started.set()
        assert gate.wait(10)
        seen.extend(e.run_id for e in evs)
    q = ol_spool.Spool(tmp_path, held)
    try:
        q.accept(events[0], batch=False, actor="feed", events=1, checked=ol_events.events(events[0], batch=False))
        assert started.wait(10)   # the writer holds the first; the rest queue behind it
        q.accept(events[1], batch=False, actor="feed", events=1)
        for e in events[2:]:
            q.accept(e, batch=False, actor="feed", events=1, checked=ol_events.events(e, batch=False))
        gate.set()
        assert q.wait_applied(30)
        assert q._handed == {}
    finally:
        q.close()
    assert seen == [e["run"]["runId"] for e in events]   # each once, in order


class Ahead:
    """A writer that takes units ahead (``submit``): each unit is applied on a thread of its
    own, in order, and the log says when each was sent and when its outcome was read."""

    def __init__(self, unit_s: float = 0.05, refuse_run: str | None = None, away_once: bool = False) -> None:
        self.log: list[tuple[str, int]] = []
        self.applied: list[str] = []
        self.unit_s, self.refuse_run, self.away_once = unit_s, refuse_run, away_once
        self.lock = threading.Lock()
        self.turn = threading.Lock()   # one unit at a time, in the order sent
        self.n = 0

    def submit(self, events, actor, reason):
        events = ol_spool.ol_events.unpacked(events)   # as the writer process's child does
        with self.lock:
            self.n += 1
            k = self.n
            self.log.append(("sent", k))
        outcome: dict = {}
        order = threading.Event()

        def run():
            with self.turn:
                order.set()
                time.sleep(self.unit_s)
                if self.away_once and k == 1:
                    outcome["error"] = StoreUnavailable("engine away")
                elif self.refuse_run and any(e.run_id == self.refuse_run for e in events):
                    outcome["error"] = ValidationFailed([Problem("run.runId", "refused by the planner")])
                else:
                    with self.lock:
                        self.applied.extend(e.run_id for e in events)
        t = threading.Thread(target=run)
        t.start()
        order.wait(5)   # the units take their turns in the order they were sent

        class Ticket:
            def result(_self):
                t.join(30)
                with self.lock:
                    self.log.append(("read", k))
                if "error" in outcome:
                    raise outcome["error"]
        return Ticket()

    def apply(self, events, actor, reason):   # the one-request fallback
        self.submit(events, actor, reason).result()


def _batches(n: int, size: int) -> list[list[dict]]:
    """n batches of ``size`` events with runs of their own (the corpus's first event, new run ids)."""
    import copy
    import uuid
    base = corpus()[0]
    out = []
    for _ in range(n):
        batch = []
        for _ in range(size):
            e = copy.deepcopy(base)
            e["run"]["runId"] = str(uuid.uuid4())
            batch.append(e)
        out.append(batch)
    return out


def _drain_backlog(directory, batches, writer: Ahead) -> dict:
    """Leave the queue's log as a server that stopped before applying ``batches`` would,
    start a queue over it with ``writer``, and return its status once all is applied."""
    lines = [json.dumps({"actor": "feed", "batch": True, "events": len(b), "body": b}) for b in batches]
    (directory / "events.log").write_text("\n".join(lines) + "\n")
    q = ol_spool.Spool(directory, writer.apply, submit=writer.submit)
    try:
        assert q.wait_applied(30)
        return q.status()
    finally:
        q.close()


def test_with_a_backlog_a_second_full_unit_is_sent_before_the_first_ones_outcome(tmp_path, monkeypatch):
    monkeypatch.setattr(ol_spool, "MAX_UNIT_EVENTS", 10)
    writer = Ahead(unit_s=0.05)
    batches = _batches(8, 5)
    _drain_backlog(tmp_path, batches, writer)   # 40 events: 4 full units
    assert writer.applied == [e["run"]["runId"] for b in batches for e in b]   # each once, in order
    log = writer.log
    # the writer never waited for the web process: unit k+1 was sent before unit k's outcome was read
    assert all(log.index(("sent", k + 1)) < log.index(("read", k)) for k in range(1, writer.n))
    assert max(sum(1 for kind, k in log[:i + 1] if kind == "sent") - sum(1 for kind, k in log[:i + 1] if kind == "read")
               for i in range(len(log))) == ol_spool.PIPELINE_DEPTH   # never more units ahead than that


def test_while_the_writer_keeps_up_units_still_gather_what_queues_during_the_one_before(tmp_path, monkeypatch):
    """A unit that is not full is not sent ahead: it would be one more small unit."""
    monkeypatch.setattr(ol_spool, "MAX_UNIT_EVENTS", 1000)
    writer = Ahead(unit_s=0.2)
    q = ol_spool.Spool(tmp_path, writer.apply, submit=writer.submit)
    try:
        events = corpus()
        for e in events:
            q.accept(e, batch=False, actor="feed", events=1)
            time.sleep(0.01)
        assert q.wait_applied(30)
    finally:
        q.close()
    assert sorted(writer.applied) == sorted(e["run"]["runId"] for e in events)
    log = writer.log
    assert all(log.index(("read", k)) < log.index(("sent", k + 1)) for k in range(1, writer.n))
    assert writer.n < len(events)   # they went together


def test_a_refused_unit_with_one_sent_behind_it_loses_only_the_refused_request(tmp_path, monkeypatch):
    monkeypatch.setattr(ol_spool, "MAX_UNIT_EVENTS", 10)
    batches = _batches(6, 5)
    bad = batches[1][2]["run"]["runId"]   # in the first unit; the second is sent behind it
    writer = Ahead(refuse_run=bad)
    status = _drain_backlog(tmp_path, batches, writer)
    good = [e["run"]["runId"] for b in batches if b is not batches[1] for e in b]
    assert set(writer.applied) == set(good) and bad not in writer.applied
    assert status["rejected"] == 1 and status["applied_events"] == 25
    kept = [json.loads(line) for line in (tmp_path / "rejected.log").read_text().splitlines()]
    assert [k["body"] for k in kept] == [batches[1]]


def test_a_store_away_with_a_unit_sent_behind_it_applies_both_later_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(ol_spool, "MAX_UNIT_EVENTS", 10)
    monkeypatch.setattr(ol_spool, "RETRY_S", (0.05,))
    batches = _batches(10, 5)   # units 1-5; 4 and 5 are read while 1-3 are out
    writer = Ahead(away_once=True)
    status = _drain_backlog(tmp_path, batches, writer)
    runs = [e["run"]["runId"] for b in batches for e in b]
    assert ol_spool.PIPELINE_DEPTH == 3 and status["rejected"] == 0 and status["applied_events"] == 50
    # unit 1 was away; units 2 and 3, sent behind it, were applied; all are sent again, then the rest
    assert writer.applied == runs[10:30] + runs


def test_a_writer_process_is_handed_what_was_accepted_packed_and_a_refused_request_keeps_its_body(
        tmp_path, monkeypatch):
    """With a writer process (``submit``), accepted requests are kept pickled, as they are
    sent (``ol_events.Packed``), far past the bound of a spool that applies on a thread:
    none is read back and checked again, and one refused is kept with its body, read
    from the log."""
    from graph_model.ingest import ol_events
    monkeypatch.setattr(ol_spool, "MAX_UNIT_EVENTS", 10)
    monkeypatch.setattr(ol_spool, "HANDOFF_BYTES", 1)   # a thread writer would read every request back
    batches = _batches(6, 5)
    checked = [ol_events.events(b, batch=True) for b in batches]
    bad = batches[3][1]["run"]["runId"]
    writer = Ahead(refuse_run=bad)
    counted = _count_checks(monkeypatch)
    packs: list = []
    real_packed = ol_spool.ol_events.packed
    monkeypatch.setattr(ol_spool.ol_events, "packed", lambda evs, reason: packs.append(reason) or real_packed(evs, reason))
    q = ol_spool.Spool(tmp_path, writer.apply, submit=writer.submit)
    try:
        for b, c in zip(batches, checked):
            q.accept(b, batch=True, actor="feed", events=len(b), checked=c)
        assert q.wait_applied(30)
        status = q.status()
        assert q._handed == {}
    finally:
        q.close()
    assert counted == []   # nothing read back and checked again
    assert len(packs) == len(batches)
    good = [e["run"]["runId"] for b in batches if b is not batches[3] for e in b]
    assert sorted(writer.applied) == sorted(good)
    assert status["rejected"] == 1 and status["applied_events"] == 25
    kept = [json.loads(line) for line in (tmp_path / "rejected.log").read_text().splitlines()]
    assert [k["body"] for k in kept] == [batches[3]]
