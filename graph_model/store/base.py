"""The GraphStore interface every backend implements, and the write-unit contract.

Services speak only this interface, so an answer is the same on either engine. The
write unit is how the single write path gets one transaction on both: the backend
hands the planner a reader, then applies the statements the planner returned, all or
nothing, serialised against every other unit. A plan carries the audit head's ``seq``
it was made against (``guard``): the backend applies it only while the head is still
there, and plans again when another unit moved it first.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

BATCH_ROWS = 2000


@dataclass
class Statement:
    """A named query from ``cypher/`` and its parameters."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)


class Reader(Protocol):
    def __call__(self, name: str, **params: Any) -> list[dict]: ...


def read_all(reader: Reader, calls: list[tuple[str, dict[str, Any]]]) -> list[list[dict]]:
    """The answers of independent reads, in order: joined into one query where the
    reader can (``reader.many``: a write unit's reader on both engines, see
    ``union_reads``), else one after the other."""
    many = getattr(reader, "many", None)
    if many is not None and len(calls) > 1:
        return many(calls)
    return [reader(name, **params) for name, params in calls]


@dataclass
class Plan:
    """What a planner decided: statements to run and a result to hand back."""

    statements: list[Statement]
    result: Any = None
    #: the audit head seq the plan was made against; None: apply without that check
    guard: int | None = None
    #: the store's own form of the unit, made before its turn (``GraphStore.prepare``)
    prepared: Any = None


Planner = Callable[[Reader], Plan]


@dataclass
class ConsoleResult:
    """A read-only ad-hoc query's answer, already plain values."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool


class GraphStore(ABC):
    """A property-graph store holding ownergraph's model.

    Returns plain Python values (dicts, lists, str, int), never driver objects.
    """

    backend: str = "abstract"
    #: artifacts per write unit in bulk loads (the demo); tuned per engine, see subclasses
    bulk_chunk: int = 1000
    #: ``write_unit``'s ``after`` reads before the unit commits, so a bulk load plans the
    #: next unit while this one commits (``ingest.planned_ahead``); where it reads only
    #: once the unit has committed, there is nothing to overlap and bulk loads plan each
    #: unit at its turn
    plans_while_committing: bool = False
    #: a read sent while a write unit runs is answered whole before or whole after it
    #: (the embedded engine: a unit is one query under the graph's write lock). Where it
    #: is not (Neo4j's read-committed reads may see part of a commit in progress), nothing
    #: is planned over a unit's outcome while that unit is written (``ingest.ol_overlay``)
    reads_wait_for_writes: bool = False

    def prepare(self, plan: Plan) -> None:
        """Make the store's own form of ``plan`` now, so that writing it later costs
        less (a plan made ahead, ``ingest.ol_overlay``); nothing by default."""

    @abstractmethod
    def ping(self) -> None:
        """Raise StoreUnavailable unless the engine answers."""

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create uniqueness constraints and indexes (idempotent)."""

    @abstractmethod
    def read(self, name: str, **params: Any) -> list[dict]:
        """Run named query ``name`` in a read transaction; rows as dicts."""

    def read_many(self, calls: list[tuple[str, dict]]) -> list[list[dict]]:
        """The answers of independent named reads ``(name, params)``, in order.

        The engines join them into one query (``union_reads``: one round trip, one wait
        for the engine, one snapshot); this default reads them one by one.
        """
        return [self.read(name, **params) for name, params in calls]

    @abstractmethod
    def write_unit(self, planner: Planner, after: Callable[[Reader], None] | None = None) -> Any:
        """Run ``planner`` and its statements as one serialised, atomic write.

        The planner may be called more than once (on a conflict or a transient error)
        and must therefore be free of side effects. A plan without statements writes
        nothing at all (no lock, no marker).

        ``after(reader)``, when given and the unit writes, reads the store as this unit
        leaves it: on Neo4j in the unit's own transaction, after its statements and
        before its commit (so the caller can plan the next unit while this one commits,
        ``ingest.planned_ahead``); on FalkorDB once the unit's one query ran. It may be
        called again if the unit is retried, and a read it makes that fails fails the
        unit on Neo4j; what it read is trustworthy only together with the audit head it
        read, which the next unit checks.

        Raises:
            ValidationFailed: a value the engine cannot store (nothing was written).
            WriteFailed: the engine refused the unit (nothing was written).
            StoreUnavailable: the engine could not be reached.
        """

    @abstractmethod
    def query_readonly(self, text: str, params: dict, timeout_ms: int, row_cap: int) -> ConsoleResult:
        """Run an analyst's query with the engine itself refusing any write."""

    @abstractmethod
    def explain_readonly(self, text: str, params: dict, timeout_ms: int) -> list[str]:
        """The engine's plan for ``text`` as indented lines, without running it.

        Raises:
            PermissionDenied: the plan would write (the console only reads, so it does
                not explain writes either). ValidationFailed: the engine refused the text.
        """

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship (tests and `demo --fresh`)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections (and the embedded server lease)."""

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def list_items(params: dict[str, Any]) -> int:
    """How many rows or keys a statement's or read's parameters carry (their lists' items)."""
    return sum(len(v) for v in params.values() if isinstance(v, list))


def batched(rows: list, size: int = BATCH_ROWS):
    """Yield slices of ``rows`` of at most ``size`` (for UNWIND statements)."""
    for start in range(0, len(rows), size):
        yield rows[start:start + size]
