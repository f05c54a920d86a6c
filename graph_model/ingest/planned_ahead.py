"""Applies a bulk load's manifests in order, planning each while the one before commits.

Why: a unit's Python work (checking and diffing the manifest, chaining its audit events)
and the engine's work (the statements and the commit) came one after the other, and on
Neo4j the commit alone was about a quarter of a unit (bench/README.md). The next unit's
plan needs this unit's writes, so it cannot be made before them; it can be made from a
read taken after them: this unit reads what the next one needs (``load_state``) in its
own transaction, after its statements (``GraphStore.write_unit``'s ``after``), and
commits on a thread while the caller plans the next unit over that read.

Why it is safe: that read sees the store exactly as this unit leaves it (its own writes,
under the audit lock every writing unit takes), together with the audit head it leaves.
The next unit is written from the plan made ahead only if the store's head is still that
one when its turn comes (``write_path.Ahead``): nothing was written in between, by
anyone. Otherwise, and whenever planning ahead needs a read the early one did not take
(a reference not in the state, a cycle check through stored edges, playbooks) or fails
in any way, the unit is planned at its turn as it always was, and its errors are raised
there, after the units before it were applied.
"""

from __future__ import annotations

import queue
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from ..schema import Manifest
from ..services import write_path
from ..store.base import GraphStore, Reader
from . import manifest
from .parse import Draft
from .state import State, load_state


@dataclass
class Applied:
    """One unit's outcome, and whether the plan made ahead was the one written."""

    summary: write_path.WriteSummary
    planned_ahead: bool


class _ReadNeeded(Exception):
    """Planning ahead asked for a read beyond the early one: plan at the unit's turn."""


def _no_reads(name: str, **params) -> list[dict]:
    raise _ReadNeeded(name)


def _read_for(draft: Draft) -> Callable[[Reader], tuple[State, dict]]:
    """What the unit before ``draft`` reads for it after its statements: the audit head
    those writes leave, then the state the draft names. The head first: a write that
    lands between these reads (possible on FalkorDB, where they follow the unit's query)
    moves the head past the one read, and the plan is then not used."""
    def read(reader: Reader) -> tuple[State, dict]:
        head = reader("audit_head")[0]
        return load_state(draft.manifest, reader), head
    return read


def _plan(draft: Draft, state: State, head: dict, actor: str, at: int) -> write_path.Ahead | None:
    """The unit planned over the early read, or None when it must be planned at its turn."""
    try:
        cp = manifest.plan_manifest(draft, _no_reads, at, state=state)
        plan = write_path.unit_plan(cp, head, actor, draft.manifest.reason, at)
    except Exception:   # noqa: BLE001 - planned again at its turn, where errors are raised
        return None
    return write_path.Ahead(head, plan)


def apply_in_order(store: GraphStore, units: Iterable[tuple[int | None, Draft | Manifest]], *,
                   actor: str | None = None) -> Iterator[Applied]:
    """Apply each ``(at, draft)`` as ``manifest.ingest`` would, one after the other, and
    yield each outcome once its unit committed. ``at`` None: the time it is planned."""
    actor = actor or write_path.default_actor()
    it = iter(units)
    current = next(it, None)
    ahead: write_path.Ahead | None = None
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="unit-commit") as pool:
            while current is not None:
                at, draft = current
                at = write_path.now_ms() if at is None else at
                try:
                    following, failed = next(it, None), None
                except Exception as e:   # noqa: BLE001 - raised after this unit, as in turn
                    following, failed = None, e
                nxt = following[1] if following is not None else None
                early: queue.Queue = queue.Queue()
                after = None
                if isinstance(nxt, Draft) and not nxt.problems:
                    read = _read_for(nxt)
                    after = lambda reader, read=read: early.put(read(reader))  # noqa: E731
                used = ahead
                job: Future = pool.submit(manifest.ingest, store, draft, actor=actor, at=at,
                                          ahead=ahead, after=after)
                job.add_done_callback(lambda _job: early.put(None))
                ahead = None
                if after is not None:
                    got = early.get()   # the early read, or None: the unit ended without one
                    if got is not None:
                        next_at = write_path.now_ms() if following[0] is None else following[0]
                        following = (next_at, nxt)
                        ahead = _plan(nxt, got[0], got[1], actor, next_at)
                summary = job.result()   # this unit's error, if any, before the next is applied
                yield Applied(summary, used is not None and summary is used.plan.result)
                if failed is not None:
                    raise failed
                current = following
    finally:
        close = getattr(it, "close", None)
        if close is not None:   # a generator preparing units ahead stops with the load
            close()


def apply_in_turn(store: GraphStore, units: Iterable[tuple[int | None, Draft | Manifest]], *,
                  actor: str | None = None) -> Iterator[Applied]:
    """The same, each unit planned at its turn (an engine with nothing to overlap)."""
    for at, draft in units:
        yield Applied(manifest.ingest(store, draft, actor=actor, at=at), False)
