"""The lineage queue's writer process on its own: what its outcomes become in the web
process, and a child that dies in the middle of a unit (real processes and pipes; the
child's store is a stand-in here, the stores themselves are in the contract suite)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph_model.errors import PermissionDenied, Problem, StoreUnavailable, ValidationFailed, WriteFailed
from graph_model.ingest import ol_writer_process as wp
from graph_model.store.embedded import process_alive as _running


@pytest.mark.parametrize("error", [
    ValidationFailed([Problem("run.runId", "refused by the planner"), Problem("job", "no name")]),
    PermissionDenied("not yours", [Problem("outputs[0]", "owned by another team")]),
    WriteFailed("the engine refused the write"),
    StoreUnavailable("the engine is away"),
])
def test_an_outcome_in_the_child_is_raised_in_the_web_process_with_its_type_and_paths(error):
    with pytest.raises(type(error)) as raised:
        wp._raise_or_return(wp._error(error))
    assert str(raised.value) == str(error)
    assert getattr(raised.value, "problems", None) == getattr(error, "problems", None)


def test_an_unexpected_error_is_a_refusal_that_names_it():
    with pytest.raises(RuntimeError, match="KeyError"):
        wp._raise_or_return(wp._error(KeyError("x")))


class _StandIn:
    """A store whose write ends the process at once (as ``kill -9`` during a unit
    would) or never ends (a long unit)."""
    backend = "falkordb"

    def __init__(self, dies: bool, log: str | None = None) -> None:
        self.dies, self.log = dies, log

    def write_unit(self, planner, after=None):
        if self.dies:
            os._exit(9)
        if self.log is None:
            time.sleep(300)
        reason = _reason_of(planner)
        with open(self.log, "a") as f:
            f.write(f"start {reason} {time.time()}\n")
        time.sleep(0.1)
        if "refuse" in reason:
            raise ValidationFailed([Problem("run", "refused by the stand-in")])
        with open(self.log, "a") as f:
            f.write(f"end {reason} {time.time()}\n")

    def close(self):
        pass


@dataclass(frozen=True)
class _StandInRecipe(wp.Recipe):
    """``dying``, ``blocking``, ``away`` (the store cannot be opened) or ``recording``
    (each unit takes 0.1 s and is logged to the file ``args[0]``; a unit whose reason
    says "refuse" is refused)."""

    def open(self):
        if self.kind == "away":
            raise StoreUnavailable("the engine at the socket does not answer")
        return _StandIn(dies=self.kind == "dying", log=self.args[0] if self.kind == "recording" else None)


def _reason_of(unit) -> str:
    """The reason ``write_path.apply`` gave the unit it hands the store."""
    cells = dict(zip(unit.__code__.co_freevars, (c.cell_contents for c in unit.__closure__)))
    return cells["reason"]


def test_a_child_that_dies_during_a_unit_is_a_store_away_and_a_new_one_takes_the_next():
    from tests.lineage_corpus import corpus
    from graph_model.ingest import ol_events
    events = ol_events.events(corpus()[0], batch=False)
    process = wp.WriterProcess(_StandInRecipe("dying", ()))
    try:
        with pytest.raises(StoreUnavailable, match="writer process stopped"):
            process(events, "feed", "a unit")
        assert process.pid is None            # the dead child is forgotten ...
        with pytest.raises(StoreUnavailable):
            process(events, "feed", "a unit")  # ... and a new one is started for the next try
    finally:
        process.close()


def test_a_store_that_cannot_be_opened_keeps_the_unit_queued():
    process = wp.WriterProcess(_StandInRecipe("away", ()))
    try:
        with pytest.raises(StoreUnavailable, match="does not answer"):
            process([], "feed", "a unit")
        assert process.pid is None
    finally:
        process.close()


_SERVER = """
import threading, time
from tests.unit.test_lineage_writer_process import _StandInRecipe
from graph_model.ingest import ol_writer_process as wp
p = wp.WriterProcess(_StandInRecipe("blocking", ()))
threading.Thread(target=lambda: p([], "feed", "a unit"), daemon=True).start()
deadline = time.monotonic() + 60
while p.pid is None and time.monotonic() < deadline:
    time.sleep(0.05)
print(p.pid, flush=True)
time.sleep(300)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal is Linux's")
def test_the_writer_process_never_outlives_the_web_process_even_in_a_unit():
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen([sys.executable, "-c", _SERVER], cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        child = int(server.stdout.readline())
        time.sleep(0.3)
        assert _running(child)            # busy with its unit
        server.kill()                     # the web process dies (kill -9)
        server.wait(10)
        deadline = time.monotonic() + 10
        while _running(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(child)
    finally:
        if server.poll() is None:
            server.kill()


def test_events_cross_the_pipe_whole():
    """Events pickle as their fields (``ol_events.Event.__reduce__``): every field of the
    corpus's events, nested nodes and facets included, comes back equal."""
    import pickle
    from dataclasses import fields

    from graph_model.ingest import ol_events
    from tests.lineage_corpus import corpus
    assert list(ol_events._EVENT_FIELDS) == [f.name for f in fields(ol_events.Event)]
    events = ol_events.events(corpus(), batch=True)
    assert any(e.parent for e in events) and any(n.facets for e in events for n in e.outputs + [e.job] if n)
    back = pickle.loads(pickle.dumps(events, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == events and all(type(b) is ol_events.Event for b in back)
    assert all(type(n) is ol_events.Node for e in back for n in e.inputs + e.outputs)


def test_units_sent_ahead_are_applied_one_after_the_other_and_answered_in_order(tmp_path):
    log = tmp_path / "units.log"
    process = wp.WriterProcess(_StandInRecipe("recording", (str(log),)))
    try:
        process([], "feed", "warm-up")   # the child is started
        tickets = [process.submit([], "feed", f"unit-{i}") for i in range(2)]
        tickets.append(process.submit([], "feed", "refuse-2"))
        tickets.append(process.submit([], "feed", "unit-3"))
        sent_all = time.time()
        outcomes = []
        for t in tickets:
            try:
                t.result()
                outcomes.append("ok")
            except ValidationFailed as e:
                outcomes.append(str(e.problems[0].message))
    finally:
        process.close()
    lines = [line.split() for line in log.read_text().splitlines()]
    assert [(kind, reason) for kind, reason, _ in lines[2:]] == [
        ("start", "unit-0"), ("end", "unit-0"), ("start", "unit-1"), ("end", "unit-1"),
        ("start", "refuse-2"), ("start", "unit-3"), ("end", "unit-3")]
    assert outcomes == ["ok", "ok", "refused by the stand-in", "ok"]
    first_end = next(float(t) for kind, reason, t in lines if (kind, reason) == ("end", "unit-0"))
    assert sent_all < first_end   # every unit was sent before the first one ended


def test_a_child_that_dies_with_units_sent_ahead_fails_them_all_as_a_store_away():
    process = wp.WriterProcess(_StandInRecipe("dying", ()))
    try:
        tickets = [process.submit([], "feed", f"unit-{i}") for i in range(3)]
        for t in tickets:
            with pytest.raises(StoreUnavailable, match="writer process stopped"):
                t.result()
        assert process.pid is None
    finally:
        process.close()


def test_the_child_lets_the_web_process_reads_in_flight_finish_before_a_unit(tmp_path):
    import multiprocessing
    log = tmp_path / "units.log"
    reads = multiprocessing.get_context("spawn").RawValue("i", 0)
    process = wp.WriterProcess(_StandInRecipe("recording", (str(log),)), reads=(reads, 0.2))
    try:
        process([], "feed", "warm-up")
        reads.value = 1                      # a page read in flight
        ticket = process.submit([], "feed", "unit-1")
        time.sleep(0.1)
        assert "unit-1" not in log.read_text()   # held back for it (at most 0.2 s)
        reads.value = 0
        ticket.result()
        assert "end unit-1" in log.read_text()
    finally:
        process.close()
