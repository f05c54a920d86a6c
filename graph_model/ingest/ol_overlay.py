"""Plans the lineage queue's next unit while the engine writes this one, over the state
this one leaves (the embedded engine).

Why: on the embedded engine a queued unit's time was the planner's Python and the
engine's work one after the other (a unit of 1,000 batch events at 100k artifacts: the
engine ~60 % of the time, the writer's Python the rest, each idle while the other ran),
because the next unit's plan reads what this one writes. Neo4j overlaps them by reading
inside the transaction before its commit (``ol_ahead``); the embedded engine's unit is
one query, with nothing to read before it ends. But the writer knows what its own unit
leaves: the rows its planner read and the rows its statements write.

How:

- Every unit the writer plans reads through a ``Recorder``; once it is planned,
  ``Outcome.of`` (``ol_outcome``) works out, for every key its statements touch, the row
  the planner's reads will answer after it, and the audit head it leaves.
- While the engine writes the unit, the next one is planned through an
  ``OverlayReader``: keys the unit touches are answered from its outcome, all others by
  the engine, which answers them alike before and after the unit's write (the unit does
  not change them); the newest version of an input before an instant is the later of the
  engine's answer and the versions the unit creates (the unit only adds versions).
- The engine holds a read back while it writes, so the unit's write waits until the next
  unit's first read is answered; the next unit's plan (and its query text,
  ``GraphStore.prepare``) is then made while the engine writes.
- That plan is written only if the store's head is then the head the unit leaves
  (``write_path.Ahead``): the unit was written as planned and nothing came between.

Only on an engine whose reads wait for a write (``GraphStore.reads_wait_for_writes``).
Neo4j's reads are read-committed: a read running during a commit may see part of it,
an answer neither before the unit nor after it, which merging it with the outcome
assumes. Seen in the contract test run under load (2 cores, another test process beside
it): about 1 run in 40 gave an input edge the units in turn do not. Neo4j plans the next
unit inside the transaction before its commit instead (``ol_ahead``); this module, given
a Neo4j store, plans every unit at its turn.

Whatever an outcome cannot tell exactly makes the next unit planned at its turn, as
before: a statement outside the lineage set (an ownership facet's declarations), a
version whose time moves, a pointer that would be found again by a scan, a parent run
made by reference that the next unit asks about, any read other than the keyed ones. A
contract test holds units planned this way to the graph and the audit chain of units
planned in turn (``tests/contract/test_lineage_overlay.py``).
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from ..services import write_path
from ..store.base import GraphStore, Plan, Reader
from . import openlineage
from .ol_ahead import Next, finish
from .ol_outcome import KEYED, UNKNOWN, Outcome, ReadNeeded, Recorder, copied

log = logging.getLogger(__name__)

#: how long one wait for the next message lasts while this unit is written (seconds)
WAIT_NEXT_S = 0.005
#: the most a unit's write waits for the next unit's first read (seconds)
GO_WAIT_S = 30.0


# -- reading over an outcome ---------------------------------------------------------------

class OverlayReader:
    """A planner's reader over the state ``outcome`` leaves: its keys from it, the rest
    from ``store`` (one joined read)."""

    def __init__(self, store: GraphStore, outcome: Outcome, first_read: Callable[[], None] = lambda: None) -> None:
        self._store = store
        self._o = outcome
        self._first_read = first_read   # told once the first read is answered

    def __call__(self, name: str, **params: Any) -> list[dict]:
        return self.many([(name, params)])[0]

    def many(self, calls: list[tuple[str, dict]]) -> list[list[dict]]:
        asks: list[tuple[str, dict]] = []
        finish: list[Callable[[list[list[dict]]], list[dict]]] = []
        for name, params in calls:
            finish.append(self._plan_read(name, params, asks))
        try:
            answers = self._store.read_many(asks) if asks else []
        finally:
            self._first_read()
        return [f(answers) for f in finish]

    def _plan_read(self, name: str, params: dict, asks: list) -> Callable[[list[list[dict]]], list[dict]]:
        """Adds what the engine must answer to ``asks``; returns how to make the answer."""
        def engine(p: dict) -> Callable[[list[list[dict]]], list[dict]]:
            asks.append((name, p))
            i = len(asks) - 1
            return lambda answers: answers[i]

        if name == "audit_head":
            return lambda _answers: [dict(self._o.head)]
        if name in KEYED:
            param, _ = KEYED[name]
            table = {"ol_artifacts_by_uids": self._o.artifacts, "ol_runs_by_ids": self._o.runs,
                     "ol_versions_by_uids": self._o.versions}[name]
            known = [k for k in params[param] if k in table]
            if any(table[k] is UNKNOWN for k in known):
                raise ReadNeeded(name)
            mine = [copied(table[k]) for k in known if table[k] is not None]
            rest = engine({**params, param: [k for k in params[param] if k not in table]})
            return lambda answers: rest(answers) + mine
        if name == "latest_versions_of":
            mine, left = [], []
            for uid in params["uids"]:
                a = self._o.artifacts.get(uid)
                if a is UNKNOWN:
                    raise ReadNeeded(name)
                if uid in self._o.artifacts and (a is None or a["latest_seq"] is not None):
                    if a is not None:
                        mine.append({"uid": uid, "latest": a["latest_version"], "seq": a["latest_seq"]})
                else:   # untouched, or touched without a version (no pointer): the engine's
                    left.append(uid)
            rest = engine({"uids": left})
            return lambda answers: rest(answers) + mine
        if name == "ol_version_before":
            if any(self._o.artifacts.get(r["uid"]) is UNKNOWN for r in params["rows"]):
                raise ReadNeeded(name)
            asked = {r["key"]: r for r in params["rows"]}
            rest = engine(params)
            return lambda answers: [self._later(row, asked[row["key"]]) for row in rest(answers)]
        raise ReadNeeded(name)

    def _later(self, row: dict, ask: dict) -> dict:
        """The engine's answer to one ``ol_version_before`` row (``ask``), or the unit's
        own newest version qualifying, whichever is later (the unit only adds versions)."""
        mine = [(at, seq, uid) for at, seq, uid in self._o.created.get(ask["uid"], ())
                if at < ask["before"] and uid != ask["exclude"]]
        if not mine:
            return row
        at, _, uid = max(mine)
        if row.get("uid") is None or at > row["created_at"] or uid == row["uid"]:
            return {"key": row["key"], "uid": uid, "created_at": at}
        if at == row["created_at"]:
            raise ReadNeeded("ol_version_before")   # the tie is broken by numbers not read
        return row


# -- the writer's step ---------------------------------------------------------------------

def plan_over(store: GraphStore, outcome: Outcome, message: tuple, first_read: Callable[[], None] = lambda: None,
              ) -> tuple[write_path.Ahead | None, dict | None]:
    """``message``'s unit planned over ``outcome`` (its Ahead and what its planner read),
    or (None, None) when it must be planned at its turn; ``first_read`` is told when its
    first read is answered."""
    _, events, actor, reason = message
    at = write_path.now_ms()
    recorder = Recorder(OverlayReader(store, outcome, first_read))
    try:
        cp = openlineage.plan_events(events, recorder, at)
        plan = write_path.unit_plan(cp, outcome.head, actor or write_path.default_actor(), reason, at)
        store.prepare(plan)   # rendered now too, while the engine writes the unit before
    except Exception:   # noqa: BLE001 - ReadNeeded, or anything: planned at its turn, where errors are raised
        return None, None
    return write_path.Ahead(dict(outcome.head), plan), recorder.rows


def apply(pool: ThreadPoolExecutor, store: GraphStore, events: list, actor: str | None, reason: str,
          ahead: Next | None, take_next: Callable[..., tuple | None],
          ) -> tuple[bool, Next | None, Exception | None]:
    """Apply one unit on ``pool``'s thread (from ``ahead``'s plan when its head still
    holds); once it is planned, take the next message (``take_next(wait_s)``: one that
    has arrived or arrives while this unit is written) and plan it over this unit's
    outcome while the engine writes this one.

    Returns, as ``ol_ahead.apply`` does: whether the unit was written as planned ahead,
    the message taken (with its plan, if made) whatever the unit's outcome, and the
    unit's error."""
    ahead_plan = ahead.ahead.plan if ahead is not None and ahead.ahead is not None else None
    made: queue.Queue = queue.Queue()
    recorders: list[Recorder] = []
    # the unit's write waits until the next unit's first read is answered: the engine
    # holds a read back while it writes, so read first, then plan while it writes
    go = threading.Event()

    def wrap(reader: Reader) -> Reader:
        recorders.append(Recorder(reader))
        return recorders[-1]

    def planned(plan: Plan) -> None:
        if ahead_plan is not None and plan is ahead_plan:
            made.put((plan, ahead.read))
        elif recorders:
            made.put((plan, recorders[-1].rows))
        else:
            made.put(None)
        go.wait(GO_WAIT_S)

    job = pool.submit(openlineage.apply_queued, store, events, actor, reason,
                      ahead=ahead.ahead if ahead is not None else None, wrap=wrap, planned=planned)
    job.add_done_callback(lambda _job: made.put(None))
    try:
        got = made.get()   # this unit's plan, or None: it ended before one was made
        nxt = _take_and_plan(store, got, job, take_next, go.set)
    finally:
        go.set()
    return finish(job, nxt, ahead_plan)


def _take_and_plan(store: GraphStore, got: tuple | None, job: Any, take_next: Callable[..., tuple | None],
                   first_read: Callable[[], None]) -> Next | None:
    """The next message, taken once this unit is planned (``got``: its plan and what its
    planner read), with its plan over this unit's outcome when one can be made."""
    nxt = None
    if got is not None:
        plan, read = got
        message = take_next()
        if message is None:   # not here yet (sent once the unit before was answered): write meanwhile
            first_read()
        while message is None and not job.done():
            message = take_next(WAIT_NEXT_S)
        if message is not None:
            nxt = Next(message)
            try:
                outcome = (Outcome.of(read, plan) if read is not None and message[0] == "apply"
                           and store.reads_wait_for_writes else None)
                if outcome is not None:
                    nxt.ahead, nxt.read = plan_over(store, outcome, message, first_read)
            except Exception:   # noqa: BLE001 - never this unit's failure: the next is planned at its turn
                log.warning("lineage writer: planning the next unit ahead failed", exc_info=True)
                nxt.ahead = nxt.read = None
    return nxt
