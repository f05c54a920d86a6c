"""Loads a sequence of manifests (the demo organisation, large imports) chunk by chunk.

Each chunk is one audited write unit, so memory and transaction size stay bounded at a
million artifacts while every change is still validated and logged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..store.base import GraphStore
from . import parse, planned_ahead
from .prepared_ahead import prepared_ahead


@dataclass
class BulkResult:
    chunks: int = 0
    events: int = 0
    #: units written from the plan made while the unit before them committed
    planned_ahead: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def ingest_chunks(store: GraphStore, chunks: Iterable[dict], *, actor: str | None = None,
                  at: int | None = None,
                  progress: Callable[[BulkResult], None] | None = None) -> BulkResult:
    """Validate and apply each manifest dict in turn (``at``: the change time, default now)."""
    return ingest_dated(store, ((at, chunk) for chunk in chunks), actor=actor, progress=progress)


def ingest_dated(store: GraphStore, units: Iterable[tuple[int | None, dict]], *,
                 actor: str | None = None,
                 progress: Callable[[BulkResult], None] | None = None) -> BulkResult:
    """Like ``ingest_chunks``, each manifest with its own change time (epoch ms, None: now).

    Why: a history (the demo's last 90 days) is a sequence of changes made on
    different days; each is recorded at its own time, in order, so the audit chain
    and the ownership edges' ``since``/``until`` tell the story as it happened.

    The next units are generated and checked against the schema on a thread while this
    one is applied (``prepared_ahead``); on an engine that commits a unit after its
    statements (Neo4j), each is planned while the one before it commits, over what that
    one read for it after its writes (``planned_ahead``).
    """
    result = BulkResult()
    started = time.perf_counter()
    # a Draft keeps the chunk as given, so the reference checks read it directly
    drafts = prepared_ahead(units, lambda unit: (unit[0], parse.check(unit[1])))
    apply = planned_ahead.apply_in_order if store.plans_while_committing else planned_ahead.apply_in_turn
    for applied in apply(store, drafts, actor=actor):
        summary = applied.summary
        result.chunks += 1
        result.planned_ahead += applied.planned_ahead
        result.events += summary.events
        for key, n in summary.counts.items():
            result.counts[key] = result.counts.get(key, 0) + n
        result.seconds = time.perf_counter() - started
        if progress:
            progress(result)
    result.seconds = time.perf_counter() - started
    return result


def graph_size(store: GraphStore) -> tuple[int, int]:
    """(nodes, relationships) in the store, for ingest rates."""
    nodes = sum(r["n"] for r in store.read("count_nodes"))
    rels = sum(r["n"] for r in store.read("count_relationships"))
    return nodes, rels
