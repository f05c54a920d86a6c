"""The single write path: validate, plan, write and audit in one unit.

Every source of change (manifest, API, later lineage feeds) reduces to a planner that
reads current state and returns the statements and the ``Change`` records. This module
adds the audit events to the same unit, so a change and its record land together or
not at all, and a planner that finds nothing to change writes nothing (no-op changes
are not logged, which is what makes ingestion idempotent).
"""

from __future__ import annotations

import getpass
import time
from dataclasses import dataclass, field
from typing import Callable

from ..store.base import GraphStore, Plan, Reader, Statement
from . import audit


@dataclass
class ChangePlan:
    statements: list[Statement] = field(default_factory=list)
    changes: list[audit.Change] = field(default_factory=list)


@dataclass
class WriteSummary:
    """What a write did: counts of changes by action, and the audit events appended."""

    counts: dict[str, int]
    events: int
    first_seq: int | None = None
    last_seq: int | None = None

    @property
    def changed(self) -> bool:
        return self.events > 0

    def as_dict(self) -> dict:
        return {"changed": self.changed, "counts": self.counts, "audit_events": self.events,
                "first_seq": self.first_seq, "last_seq": self.last_seq}


def default_actor() -> str:
    """The OS user, until authentication exists."""
    try:
        return getpass.getuser()
    except Exception:  # no user database entry (containers)
        return "unknown"


def now_ms() -> int:
    return int(time.time() * 1000)


class HeadFirst:
    """A planner's reader that reads the audit head before anything else, as the first
    part of the planner's first joined read when the store joins reads (one query:
    one snapshot, one round trip fewer for every unit), else as a read of its own."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self._head: dict | None = None
        # ``read_all`` joins reads only through a reader that has ``many``
        self.many = self._many if getattr(reader, "many", None) is not None else None

    def head(self) -> dict:
        if self._head is None:
            self._head = self._reader("audit_head")[0]
        return self._head

    def __call__(self, name: str, **params) -> list[dict]:
        self.head()
        return self._reader(name, **params)

    def _many(self, calls: list[tuple[str, dict]]) -> list[list[dict]]:
        if self._head is not None:
            return self._reader.many(calls)
        first, *rest = self._reader.many([("audit_head", {}), *calls])
        self._head = first[0]
        return rest


@dataclass(frozen=True)
class Ahead:
    """A unit planned before its turn (``ingest.planned_ahead``): the plan, and the audit
    head of the state it was planned over. It is written only if the store's head is
    still that one when the unit runs, that is, if nothing was written since."""

    head: dict
    plan: Plan


def same_head(a: dict, b: dict) -> bool:
    return int(a.get("seq") or 0) == int(b.get("seq") or 0) and (a.get("hash") or "") == (b.get("hash") or "")


def unit_plan(cp: ChangePlan, head: dict, actor: str, reason: str | None, at: int) -> Plan:
    """The store's plan for a planner's changes over ``head``: its statements, then the
    audit events chained to that head (no changes: nothing to write, nothing logged)."""
    counts: dict[str, int] = {}
    for ch in cp.changes:
        counts[ch.action] = counts.get(ch.action, 0) + 1
    if not cp.changes:
        return Plan([], WriteSummary(counts, 0))
    events = audit.chain_events(head, cp.changes, actor, reason, at)
    summary = WriteSummary(counts, len(events), events[0]["seq"], events[-1]["seq"])
    return Plan(cp.statements + audit.append_statements(events), summary, guard=int(head["seq"]))


def apply(store: GraphStore, planner: Callable[[Reader, int], ChangePlan], *,
          actor: str | None = None, reason: str | None = None, at: int | None = None,
          ahead: Ahead | None = None, after: Callable[[Reader], None] | None = None,
          planned: Callable[[Plan], None] | None = None) -> WriteSummary:
    """Plan and apply one change with its audit events, atomically.

    Args:
        planner: reads current state and returns what to write; it receives the reader
            and the change time, must not have side effects (it may run again on a
            conflict) and raises ``ValidationFailed`` to reject the change whole.
        ahead: this unit planned before its turn; used instead of ``planner`` when the
            store's audit head is still the one it was planned over.
        after: reads the store once this unit's statements ran, in its transaction (see
            ``GraphStore.write_unit``); not called when the unit writes nothing.
        planned: told the store's plan once it is made, before the store runs it (again
            if the unit is planned again on a conflict; ``ingest.ol_overlay``).
    """
    actor = actor or default_actor()
    at = now_ms() if at is None else at

    def unit(raw: Reader) -> Plan:
        # the head first: whatever commits after this read moves it, and the store then
        # refuses this plan (``Plan.guard``) and asks for a new one
        reader = HeadFirst(raw)
        if ahead is not None and same_head(reader.head(), ahead.head):
            plan = ahead.plan
        else:
            plan = unit_plan(planner(reader, at), reader.head(), actor, reason, at)
        if planned is not None:
            planned(plan)
        return plan

    return store.write_unit(unit, after=after)
