"""Plans the lineage queue's next unit while the one before commits (Neo4j).

Why: the queue's writer process applies its units one after the other, and on Neo4j
the commit is a large part of each (a unit of 1,000 batch events at 100k artifacts:
~200 ms of ~690 ms) during which the writer's Python waits. The writer already holds
the next unit (``ol_writer_process``: it is sent while this one is applied), so, as
bulk loads do (``planned_ahead``), this unit reads in its own transaction, after its
statements (``GraphStore.write_unit``'s ``after``), what the next unit's planner reads
first (``openlineage.prefetched``: its artifacts, runs and versions, with the audit head
in the same query), and the next unit is planned over that read while this one commits.

Why it is safe, as for bulk loads: that read sees the store exactly as this unit leaves
it, with the head it leaves; the plan made ahead is written only if the store's head is
still that one at the next unit's turn (``write_path.Ahead``: nothing written in
between, by anyone, such as a direct lineage write of the web process). Otherwise, and
whenever finishing the plan needs a read the early one did not take (an ownership
facet's people and teams, versions of runs the prefetch did not name) or fails in any
way, the unit is planned at its turn as it always was, and its errors are raised there.
"""

from __future__ import annotations

import logging
import queue
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

from ..services import write_path
from ..store.base import GraphStore, Reader
from . import openlineage

log = logging.getLogger(__name__)


class _ReadNeeded(Exception):
    """Finishing a plan ahead asked for a read beyond the early one."""


def _no_reads(name: str, **params: Any) -> list[dict]:
    raise _ReadNeeded(name)


@dataclass
class Next:
    """The message taken from the writer's inbox while a unit was applied, and the plan
    made ahead for it when there is one."""

    message: tuple
    ahead: write_path.Ahead | None = None
    read: dict | None = None   # what its planner read, when planned over an outcome (``ol_overlay``)


def _early_read(events: list, reader: Reader) -> tuple[dict, Any]:
    """The audit head and ``events``' prefetched plan, read together (one query)."""
    first = write_path.HeadFirst(reader)
    plan = openlineage.prefetched(events, first)
    return first.head(), plan


def plan_ahead(early: tuple[dict, Any], actor: str | None, reason: str) -> write_path.Ahead | None:
    """The next unit planned now over ``early`` (its head and prefetched plan), or None
    when it must be planned at its turn."""
    head, plan = early
    at = write_path.now_ms()
    try:
        cp = openlineage.finish(plan, _no_reads, at)
        return write_path.Ahead(head, write_path.unit_plan(cp, head, actor or write_path.default_actor(),
                                                           reason, at))
    except Exception:   # noqa: BLE001 - planned again at its turn, where errors are raised
        return None


def apply(pool: ThreadPoolExecutor, store: GraphStore, events: list, actor: str | None, reason: str,
          ahead: write_path.Ahead | None, take_next: Callable[[], tuple | None],
          ) -> tuple[bool, Next | None, Exception | None]:
    """Apply one unit (from ``ahead`` when its head still holds) on ``pool``'s thread; in
    its transaction, after its statements, take the next message (``take_next``: one
    that has arrived, or None) and read for it; plan it here while the unit commits.

    Returns whether the unit was written as planned ahead, the message taken (with its
    plan ahead, if made) and the unit's error; the message is returned whatever the
    unit's outcome, so none is lost (after a failed unit it is planned at its turn)."""
    early: queue.Queue = queue.Queue()
    taken: list[tuple] = []

    def after(reader: Reader) -> None:
        if not taken:
            message = take_next()
            if message is None:
                return
            taken.append(message)
        if taken[0][0] != "apply":
            return
        try:
            early.put(_early_read(taken[0][1], reader))
        except Exception:   # noqa: BLE001 - never this unit's failure: the next is planned at its turn
            log.warning("lineage writer: reading ahead for the next unit failed", exc_info=True)

    # no time given: a plan made ahead carries its own; planned at its turn (something was
    # written in between), the unit takes the time of that turn, after what came between
    job = pool.submit(openlineage.apply_queued, store, events, actor, reason, ahead=ahead, after=after)
    job.add_done_callback(lambda _job: early.put(None))
    got = early.get()   # the early read, or None: the unit ended without one
    nxt = Next(taken[0]) if taken else None
    if got is not None and nxt is not None:
        _, _, next_actor, next_reason = nxt.message
        nxt.ahead = plan_ahead(got, next_actor, next_reason)
    return finish(job, nxt, ahead.plan if ahead is not None else None)


def finish(job: Any, nxt: Next | None, ahead_plan: Any) -> tuple[bool, Next | None, Exception | None]:
    """The writer's answer for a unit run as ``job``: whether it was written from
    ``ahead_plan`` (the plan made ahead of its turn, if any), the next message (its plan
    ahead dropped if the unit failed) and the unit's error."""
    try:
        summary = job.result()
    except Exception as e:   # noqa: BLE001 - the unit's outcome, returned to the writer
        if nxt is not None:
            nxt.ahead = None
        return False, nxt, e
    return ahead_plan is not None and summary is ahead_plan.result, nxt, None
