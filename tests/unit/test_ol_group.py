"""Group commit of lineage writes: who is joined, and who gets an error.

The writer here is a function that records its calls (the store's side is the contract
suite's: tests/contract/test_lineage.py joins real requests on both engines)."""

from __future__ import annotations

import threading
import time

from graph_model.errors import Problem, ValidationFailed
from graph_model.ingest.ol_group import LINGER_MAX_S, MAX_EVENTS, Committer


class Ev:
    def __init__(self, name: str, bad: bool = False):
        self.name, self.bad = name, bad
        self.kind, self.event_type, self.producer = "run", "COMPLETE", "p"


def recording_writer(calls: list):
    def write(store, events, actor, reason):
        calls.append((store, [e.name for e in events], actor, reason))
        if any(e.bad for e in events):
            raise ValidationFailed([Problem("x", "refused")])
        return {"events": [e.name for e in events]}
    return write


def queued(committer: Committer, jobs: list[tuple]) -> dict:
    """Submit ``jobs`` (store, events, actor) while the write lock is held, then release."""
    out: dict = {}

    def run(i, store, events, actor):
        try:
            out[i] = committer.submit(store, events, actor, "r")
        except Exception as e:   # noqa: BLE001 - the test looks at what each request got
            out[i] = e

    with committer.lock:
        threads = [threading.Thread(target=run, args=(i, *job)) for i, job in enumerate(jobs)]
        deadline = time.monotonic() + 10
        for n, t in enumerate(threads, 1):
            t.start()   # one at a time, so they queue in the order given
            while len(committer.queue) < n and time.monotonic() < deadline:
                time.sleep(0.005)
        assert len(committer.queue) == len(jobs)
    for t in threads:
        t.join(10)
    return out


def test_a_lone_request_is_written_alone_with_its_own_reason():
    calls: list = []
    c = Committer(recording_writer(calls))
    assert c.submit("s", [Ev("a")], "bot", "own reason") == {"events": ["a"]}
    assert calls == [("s", ["a"], "bot", "own reason")]


def test_queued_requests_of_one_store_and_actor_share_a_unit_others_do_not():
    calls: list = []
    c = Committer(recording_writer(calls))
    out = queued(c, [("s", [Ev("a")], "bot"), ("s", [Ev("b"), Ev("c")], "bot"), ("s", [Ev("d")], "other"),
                     ("t", [Ev("e")], "bot")])
    joined = [call for call in calls if len(call[1]) == 3]
    assert len(joined) == 1 and sorted(joined[0][1]) == ["a", "b", "c"]
    assert out[0] == out[1] == {"events": joined[0][1]}
    assert out[2] == {"events": ["d"]} and out[3] == {"events": ["e"]}
    assert len(calls) == 3


def test_a_refused_request_fails_alone_and_the_others_are_written():
    calls: list = []
    c = Committer(recording_writer(calls))
    out = queued(c, [("s", [Ev("a")], "bot"), ("s", [Ev("bad", bad=True)], "bot"), ("s", [Ev("c")], "bot")])
    assert isinstance(out[1], ValidationFailed)
    assert out[0] == {"events": ["a"]} and out[2] == {"events": ["c"]}
    assert sorted(calls[0][1]) == ["a", "bad", "c"]                              # the joined try,
    assert sorted(names for _, names, _, _ in calls[1:]) == [["a"], ["bad"], ["c"]]   # then each alone


def test_a_unit_never_exceeds_the_event_limit():
    calls: list = []
    c = Committer(recording_writer(calls))
    big = [Ev(f"e{i}") for i in range(MAX_EVENTS - 1)]
    queued(c, [("s", big, "bot"), ("s", [Ev("x"), Ev("y")], "bot")])
    assert all(len(names) <= MAX_EVENTS for _, names, _, _ in calls)
    assert sorted(len(names) for _, names, _, _ in calls) == [2, MAX_EVENTS - 1]


def test_an_unexpected_error_reaches_every_request_of_the_joined_unit():
    def write(store, events, actor, reason):
        raise RuntimeError("engine went away")
    out = queued(Committer(write), [("s", [Ev("a")], "bot"), ("s", [Ev("b")], "bot")])
    assert all(isinstance(v, RuntimeError) for v in out.values()) and len(out) == 2


class CountingCondition:
    """The committer's condition, counting the writer's waits."""

    def __init__(self, inner: threading.Condition):
        self.inner, self.waits = inner, 0

    def wait(self, timeout=None):
        self.waits += 1
        return self.inner.wait(timeout)

    def notify_all(self):
        self.inner.notify_all()


def test_a_lone_client_never_waits_for_others():
    calls: list = []
    c = Committer(recording_writer(calls), linger_s=30.0)
    c.arrived = counting = CountingCondition(c.arrived)
    for name in "abc":   # one after the other: never more than one in flight
        assert c.submit("s", [Ev(name)], "bot", "r") == {"events": [name]}
    assert counting.waits == 0
    assert [names for _, names, _, _ in calls] == [["a"], ["b"], ["c"]]


def second_comes_back_later(c: Committer, after_s: float) -> dict:
    """Request ``c`` now, ``d`` ``after_s`` later (as a client whose answer just came
    back); what each was answered."""
    out: dict = {}
    first = threading.Thread(target=lambda: out.update(c=c.submit("s", [Ev("c")], "bot", "r")))
    first.start()
    time.sleep(after_s)
    out["d"] = c.submit("s", [Ev("d")], "bot", "r")
    first.join(30)
    assert not first.is_alive()
    return out


def test_the_writer_waits_for_a_request_that_was_in_flight_with_others_and_joins_it():
    """Two requests were in flight at once a moment ago; the next writer waits for the
    second to come back (here 50 ms later, within the linger) and writes both together,
    without waiting out the whole linger (30 s) once it has come."""
    calls: list = []
    c = Committer(recording_writer(calls), linger_s=30.0)
    queued(c, [("s", [Ev("a")], "bot"), ("s", [Ev("b")], "bot")])   # the peak: 2 in flight
    assert calls[-1][1] == ["a", "b"]
    c.arrived = counting = CountingCondition(c.arrived)
    out = second_comes_back_later(c, 0.05)
    assert calls[-1][1] == ["c", "d"] and out["c"] == out["d"] == {"events": ["c", "d"]}
    assert counting.waits >= 1


def test_after_a_long_unit_the_writer_waits_in_proportion_for_the_others():
    """A fixed wait of 1 ms would miss a client that comes back 50 ms later; after a unit
    of 0.3 s the writer may wait its share of it (here all of it, capped at
    ``LINGER_MAX_S``), so the two requests go in together."""
    calls: list = []
    record = recording_writer(calls)

    def slow_first(store, events, actor, reason):
        if not calls:
            time.sleep(0.3)
        return record(store, events, actor, reason)
    c = Committer(slow_first, linger_s=0.001, linger_share=1.0)
    queued(c, [("s", [Ev("a")], "bot"), ("s", [Ev("b")], "bot")])   # 2 in flight; the unit took 0.3 s
    assert c.last_unit_s >= 0.3
    assert c.linger_limit() == LINGER_MAX_S
    out = second_comes_back_later(c, 0.05)
    assert calls[-1][1] == ["c", "d"] and out["c"] == out["d"] == {"events": ["c", "d"]}


def test_the_wait_is_the_fixed_one_after_short_units_and_never_past_the_cap():
    c = Committer(recording_writer([]), linger_s=0.003, linger_share=0.15)
    c.last_unit_s = 0.010          # single events: 15 % of 10 ms is less than the fixed wait
    assert c.linger_limit() == 0.003
    c.last_unit_s = 0.400          # a batch unit: 60 ms
    assert abs(c.linger_limit() - 0.060) < 1e-9
    c.last_unit_s = 30.0           # a huge unit: capped
    assert c.linger_limit() == LINGER_MAX_S
