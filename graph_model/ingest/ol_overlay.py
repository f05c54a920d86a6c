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

- Every unit the writer plans reads through a ``Recorder``, which keeps a copy of each
  row the keyed reads answered (artifacts, runs and versions by key; a key asked and not
  found is kept as absent).
- Once a unit is planned, ``Outcome.of`` works out, for every key its statements touch,
  the row those reads will answer after it (the statements' own rules, in Python: the
  ``ON CREATE`` kind, the version pointers' forward move, the ``WRITES`` and
  ``DERIVED_FROM`` sets) and the audit head it leaves.
- While the engine writes the unit, the next one is planned through an
  ``OverlayReader``: keys the unit touches are answered from its outcome, all others by
  the engine, which answers them alike before and after the unit's write (the unit does
  not change them); the newest version of an input before an instant is the later of the
  engine's answer and the versions the unit creates (the unit only adds versions).
- That plan is written only if the store's head is then the head the unit leaves
  (``write_path.Ahead``): the unit was written as planned and nothing came between.

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
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from ..services import write_path
from ..store.base import GraphStore, Plan, Reader
from . import openlineage
from .ol_ahead import Next, finish

log = logging.getLogger(__name__)

#: the keyed reads: query -> (its key-list parameter, the key field of its rows)
KEYED = {"ol_artifacts_by_uids": ("uids", "uid"), "ol_runs_by_ids": ("ids", "id"),
         "ol_versions_by_uids": ("uids", "uid")}
#: how long one wait for the next message lasts while this unit is written (seconds)
WAIT_NEXT_S = 0.005
#: the most a unit's write waits for the next unit's first read (seconds)
GO_WAIT_S = 30.0
#: statements that change nothing the planner's reads return
INERT = frozenset({"audit_guard", "append_audit", "link_previous", "ol_upsert_commits"})


class ReadNeeded(Exception):
    """A read the outcome of the unit before cannot answer: plan at its turn."""


class _Unknown:
    """A key the unit before changed in a way its outcome does not tell."""


UNKNOWN = _Unknown()


def _copied(row: dict | None) -> dict | None:
    """A copy of a read's row that neither the planner nor an outcome can change through
    the original (they replace fields and grow lists, never change the maps in a list)."""
    if row is None:
        return None
    return {k: list(v) if isinstance(v, list) else v for k, v in row.items()}


class Recorder:
    """A planner's reader that keeps a copy of what the keyed reads answered."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self.rows: dict[str, dict[str, dict | None]] = {name: {} for name in KEYED}
        self.many = self._many if getattr(reader, "many", None) is not None else None

    def __call__(self, name: str, **params: Any) -> list[dict]:
        rows = self._reader(name, **params)
        self._keep(name, params, rows)
        return rows

    def _many(self, calls: list[tuple[str, dict]]) -> list[list[dict]]:
        answers = self._reader.many(calls)
        for (name, params), rows in zip(calls, answers):
            self._keep(name, params, rows)
        return answers

    def _keep(self, name: str, params: dict, rows: list[dict]) -> None:
        if name not in KEYED:
            return
        param, key = KEYED[name]
        kept = self.rows[name]
        for k in params[param]:
            kept.setdefault(k, None)
        for r in rows:   # copied now: the planner changes the rows it is given
            kept[r[key]] = _copied(r)


class Outcome:
    """What a planned unit leaves, for the keys its statements touch: the rows the keyed
    reads will answer (None: absent), the versions it creates per artifact, its head."""

    def __init__(self, read: dict[str, dict[str, dict | None]]) -> None:
        self._read = read
        self.artifacts: dict[str, Any] = {}
        self.runs: dict[str, Any] = {}
        self.versions: dict[str, Any] = {}
        self.created: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self.head: dict | None = None

    @classmethod
    def of(cls, read: dict[str, dict[str, dict | None]], plan: Plan) -> "Outcome | None":
        """The outcome of ``plan`` over the rows its planner ``read``, or None when it
        cannot be told exactly."""
        o = cls(read)
        try:
            for st in plan.statements:
                if st.name == "set_audit_head":
                    o.head = {"seq": st.params["seq"], "hash": st.params["hash"]}
                elif st.name not in INERT:
                    step = _STEPS.get(st.name)
                    if step is None:
                        return None
                    for r in st.params["rows"]:
                        step(o, r)
        except ReadNeeded:
            return None
        return o if o.head is not None else None

    def _touch(self, table: dict, query: str, key: str) -> Any:
        """The row ``key`` as the unit has left it so far, from what its planner read."""
        if key not in table:
            read = self._read[query]
            if key not in read:
                raise ReadNeeded(f"{query}: {key}")
            table[key] = _copied(read[key])
        return table[key]

    def artifact(self, uid: str) -> Any:
        return self._touch(self.artifacts, "ol_artifacts_by_uids", uid)

    def run(self, rid: str) -> Any:
        return self._touch(self.runs, "ol_runs_by_ids", rid)

    def version(self, vuid: str) -> Any:
        return self._touch(self.versions, "ol_versions_by_uids", vuid)


# -- each statement's rows, as its Cypher applies them -----------------------------------

RUN_FIELDS = ("status", "started_at", "ended_at", "seen_at", "job_uid", "parent_run", "error_message",
              "error_language", "producer")


def _upsert_artifact(o: Outcome, r: dict) -> None:   # ol_upsert_artifacts
    cur = o.artifact(r["uid"])
    if cur is None:
        cur = o.artifacts[r["uid"]] = {"uid": r["uid"], "kind": r["kind"], "latest_version": None,
                                       "latest_seq": None, "newest_version": None, "newest_at": None,
                                       "newest_seq": None}
    cur.update(origin_namespace=r["origin_namespace"], origin_name=r["origin_name"], lineage=r["lineage"])


def _advance_pointers(o: Outcome, r: dict) -> None:   # advance_version_pointers
    a = o.artifact(r["uid"])
    if a is None or a is UNKNOWN or (a["newest_version"] is not None and a["newest_version"] in r["written"]):
        raise ReadNeeded(f"pointers of {r['uid']}")   # absent, or found again by a scan
    if a["latest_seq"] is None or r["latest_seq"] >= a["latest_seq"]:
        a["latest_version"], a["latest_seq"] = r["latest_version"], r["latest_seq"]
    if r["newest_at"] is None:
        return
    if a["newest_at"] is not None and r["newest_at"] == a["newest_at"] and a["newest_seq"] is None:
        raise ReadNeeded(f"pointers of {r['uid']}")
    if (a["newest_at"] is None or r["newest_at"] > a["newest_at"]
            or (r["newest_at"] == a["newest_at"] and r["newest_seq"] >= a["newest_seq"])):
        a["newest_version"], a["newest_at"], a["newest_seq"] = r["newest_version"], r["newest_at"], r["newest_seq"]


def _create_run(o: Outcome, r: dict) -> None:   # ol_create_runs
    o.runs[r["id"]] = {"id": r["id"], **{k: r[k] for k in RUN_FIELDS}, "writes": []}


def _upsert_run(o: Outcome, r: dict) -> None:   # ol_upsert_runs
    cur = o.run(r["id"])
    if cur is UNKNOWN:
        raise ReadNeeded(f"run {r['id']}")
    o.runs[r["id"]] = {"id": r["id"], **{k: r[k] for k in RUN_FIELDS}, "writes": list((cur or {}).get("writes") or [])}


def _link_writes(o: Outcome, r: dict) -> None:   # ol_link_writes
    cur = o.run(r["id"])
    if cur is None or cur is UNKNOWN:
        raise ReadNeeded(f"run {r['id']}")
    if r["uid"] not in cur["writes"]:
        cur["writes"].append(r["uid"])


def _link_parent(o: Outcome, r: dict) -> None:   # ol_link_parent_runs: the parent made by reference
    o.runs[r["parent"]] = UNKNOWN


def _create_version(o: Outcome, r: dict) -> None:   # ol_create_versions
    o.versions[r["uid"]] = {"uid": r["uid"], "seq": r["seq"], "created_at": r["created_at"],
                            "schema": r["schema"], "run": None, "sha": None, "upstream": []}
    o.created[r["artifact_uid"]].append((r["created_at"], r["seq"], r["uid"]))


def _stored_version(o: Outcome, vuid: str) -> dict:
    v = o.version(vuid)
    if v is None:
        raise ReadNeeded(f"version {vuid}")
    return v


def _produced_by(o: Outcome, r: dict) -> None:   # ol_link_produced_by
    v = _stored_version(o, r["uid"])
    if v["run"] not in (None, r["run"]):
        raise ReadNeeded(f"version {r['uid']}")   # a second run: two rows
    v["run"] = r["run"]


def _built_from(o: Outcome, r: dict) -> None:   # link_built_from
    v = _stored_version(o, r["uid"])
    if v["sha"] not in (None, r["sha"]):
        raise ReadNeeded(f"version {r['uid']}")
    v["sha"] = r["sha"]


def _add_lineage(o: Outcome, r: dict) -> None:   # add_lineage
    v = _stored_version(o, r["uid"])
    edge = {"uid": r["upstream"], "relation": r["relation"]}
    ups = [u for u in v["upstream"] or [] if u.get("uid")]
    if edge not in ups:
        ups.append(edge)
    v["upstream"] = ups


_STEPS: dict[str, Callable[[Outcome, dict], None]] = {
    "ol_upsert_artifacts": _upsert_artifact, "advance_version_pointers": _advance_pointers,
    "ol_create_runs": _create_run, "ol_upsert_runs": _upsert_run, "ol_link_writes": _link_writes,
    "ol_link_parent_runs": _link_parent, "ol_create_versions": _create_version,
    "ol_link_produced_by": _produced_by, "link_built_from": _built_from, "add_lineage": _add_lineage,
}


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
            mine = [_copied(table[k]) for k in known if table[k] is not None]
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
    made: queue.Queue = queue.Queue()
    recorders: list[Recorder] = []
    # the unit's write waits until the next unit's first read is answered: the engine
    # holds a read back while it writes, so read first, then plan while it writes
    go = threading.Event()

    def wrap(reader: Reader) -> Reader:
        recorders.append(Recorder(reader))
        return recorders[-1]

    def planned(plan: Plan) -> None:
        if ahead is not None and ahead.ahead is not None and plan is ahead.ahead.plan:
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
    return finish(job, nxt, ahead.ahead.plan if ahead is not None and ahead.ahead is not None else None)


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
                outcome = Outcome.of(read, plan) if read is not None and message[0] == "apply" else None
                if outcome is not None:
                    nxt.ahead, nxt.read = plan_over(store, outcome, message, first_read)
            except Exception:   # noqa: BLE001 - never this unit's failure: the next is planned at its turn
                log.warning("lineage writer: planning the next unit ahead failed", exc_info=True)
                nxt.ahead = nxt.read = None
    return nxt
