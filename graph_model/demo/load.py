"""Loads the demo organisation into a store, and finishes a load that was interrupted.

Why resuming is possible: the demo is deterministic for (size, seed, now), every unit
is applied whole or not at all, and ingestion is idempotent. So an interrupted load
(Ctrl-C, a killed process, the engine gone) is finished by applying the units that are
missing, generated again from the same (size, seed, now).

Where those come from: the audit log itself, which is written in the same unit as the
data, so it can never be ahead of or behind it. The first event of a demo load is
recorded by actor ``demo`` with the reason "ownergraph demo organisation (size=S,
seed=N), part 1 of P" at ``now`` minus 90 days (every chunk is dated then), which gives
size, seed and ``now``; the last event's reason and time say which unit was applied
last. No marker of our own is needed, and a store whose log does not start that way,
or ends with a change the demo did not make, is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from ..ingest import bulk
from ..store.base import GraphStore
from . import Unit, chunk_count, demo_history, iter_demo_units
from .history import START_AGE

ACTOR = "demo"
_FIRST_REASON = re.compile(
    r"^ownergraph demo organisation \(size=(\d+), seed=(-?\d+)\), part 1 of (\d+)$")


@dataclass
class Status:
    """What a store holds, as far as the demo is concerned.

    ``state``: ``empty``; ``partial`` (an interrupted demo load: ``done`` of ``total``
    units applied); ``complete``; ``other`` (data that is not, or no longer only, the
    demo's).
    """

    state: str
    artifacts: int = 0
    size: int | None = None
    seed: int | None = None
    now: datetime | None = None
    parts: int | None = None      # chunks of the interrupted load
    done: int = 0                 # units applied (chunks, then history steps)
    total: int = 0


def status(store: GraphStore, chunk_artifacts: int) -> Status:
    """Read the store's state (a few small reads)."""
    artifacts = store.read("count_artifacts")[0]["n"]
    head = int(store.read("audit_head")[0]["seq"] or 0)
    if head == 0:
        return Status("empty" if artifacts == 0 else "other", artifacts)
    first = store.read("audit_events_page", after=0, limit=1)[0]
    last = store.read("audit_events_page", after=head - 1, limit=1)[0]
    m = _FIRST_REASON.match(first.get("reason") or "")
    if first.get("actor") != ACTOR or not m:
        return Status("other", artifacts)
    size, seed, parts = int(m[1]), int(m[2]), int(m[3])
    now = datetime.fromtimestamp(first["at"] / 1000, timezone.utc) + timedelta(minutes=START_AGE)
    keys = _unit_keys(size, seed, now, parts, first["at"])
    found = Status("partial", artifacts, size, seed, now, parts, total=len(keys))
    if last.get("actor") != ACTOR:
        found.state = "other"
    elif (last.get("reason"), last.get("at")) in keys:
        found.done = keys.index((last["reason"], last["at"])) + 1
        if found.done == len(keys):
            found.state = "complete"
    else:
        found.state = "other"
    return found


def load(store: GraphStore, *, size: int, seed: int, now: datetime | None = None,
         chunk_artifacts: int | None = None, resume: Status | None = None,
         progress: Callable[[bulk.BulkResult], None] | None = None) -> bulk.BulkResult:
    """Apply the demo's units to ``store`` (all of them, or those after ``resume.done``).

    Args:
        resume: a ``partial`` status from ``status``: its size, seed and ``now`` win.
            Chunks already applied are skipped when this load cuts the organisation
            into the same chunks (same chunk size); otherwise every chunk is applied
            again, which changes only what is missing (ingestion is idempotent).
    """
    chunk = chunk_artifacts or store.bulk_chunk
    skip = 0
    if resume is not None:
        size, seed, now = resume.size, resume.seed, resume.now
        if chunk_count(size, chunk) == resume.parts or resume.done >= resume.parts:
            skip = resume.done
        if chunk_count(size, chunk) != resume.parts:
            chunk = max(1, -(-size // resume.parts))   # the history's reasons do not depend on it
    units = iter_demo_units(size=size, seed=seed, now=now, chunk_artifacts=chunk)
    dated = ((u.at_ms, u.manifest) for i, u in enumerate(units) if i >= skip)
    return bulk.ingest_dated(store, dated, actor=ACTOR, progress=progress)


def unit_count(size: int, seed: int, chunk_artifacts: int) -> int:
    """How many units a fresh load applies (chunks, then history steps)."""
    return chunk_count(size, chunk_artifacts) + len(demo_history(size, seed))


def _unit_keys(size: int, seed: int, now: datetime, parts: int, start_ms: int) -> list[tuple[str, int]]:
    """(reason, time) of every unit of that load, without generating the organisation
    (only its first product area, where the history's people are)."""
    keys = [(f"{_prefix(size, seed)}{k} of {parts}", start_ms) for k in range(1, parts + 1)]
    for at, step in demo_history(size, seed, now):
        keys.append((step.reason, int(at.timestamp() * 1000)))
    return keys


def _prefix(size: int, seed: int) -> str:
    return f"ownergraph demo organisation (size={size}, seed={seed}), part "


__all__ = ["ACTOR", "Status", "Unit", "load", "status", "unit_count"]
