"""The Neo4j backend: production, over Bolt with the official driver.

Reads run in read transactions (a cluster routes them to followers); a write unit is
one managed write transaction, retried by the driver on transient errors, which is
why planners are side-effect free and statements MERGE on natural keys. Any error
inside it (a refused statement, a constraint, a dropped connection, a killed client)
rolls the whole transaction back on the server.

Serialisation: the planner runs first, without a lock; its independent reads go as one
query with the audit head in it (``union_reads``, ``write_path.HeadFirst``). A plan
with nothing to write ends there: a no-op unit takes no lock and writes nothing. A
small plan (``COMPOSE_ROWS``) then runs as ONE query: the audit head's write lock
(``audit_lock``; the unit moves the head anyway, so this locks nothing the unit would
not), the guard (``audit_guard``: fails the query when the head is no longer the one
the plan read) and the statements (``compose``). A failed guard rolls the transaction
back and the unit is planned again; after ``OPTIMISTIC_TRIES`` such tries, and for
every larger plan, the unit takes the lock first, reads the head again, plans again
under the lock if it moved (so that plan cannot be overtaken) and runs its statements.
A separate lock node was not needed: only units that write ever take the lock.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

import neo4j
from neo4j import GraphDatabase, Query
from neo4j.exceptions import (AuthError, ClientError, DriverError, IncompleteCommit, Neo4jError,
                              ServiceUnavailable, SessionExpired, TransientError)
from neo4j.graph import Node, Path as GraphPath, Relationship

from ..errors import PermissionDenied, Problem, StoreUnavailable, ValidationFailed, WriteFailed
from . import console_read, neo4j_tx, queries, schema_setup, union_reads
from .base import ConsoleResult, GraphStore, Plan, Planner, Reader, Statement, list_items
from .compose import compose

log = logging.getLogger(__name__)

#: the driver's own "cannot reach the server" errors (SessionExpired: the server the
#: session used went away); a write still transient after the driver's retries (a
#: database not yet available, a deadlock) is reported as unavailable too
_UNREACHABLE = (ServiceUnavailable, SessionExpired, OSError)
#: the status code of a write attempted in a read transaction
_ACCESS_MODE = "Neo.ClientError.Statement.AccessMode"
#: a console query that needs more memory than the server grants it: the query's own
#: doing (a 400), not a server fault (measured: ``reduce`` doubling a string 40 times
#: ends in ``OutOfMemoryError`` after 0.55 s; the server goes on answering)
_OUT_OF_MEMORY = ("Neo.TransientError.General.OutOfMemoryError",
                  "Neo.TransientError.General.MemoryPoolOutOfMemoryError")


#: a unit whose statements carry at most this many rows runs as one query (``compose``):
#: one round trip instead of one a statement (a lineage unit of 4 events ran 11, 1.5 ms
#: each: 48.9 -> 17.5 ms a unit at 100k). Larger units (bulk loads) keep one query a
#: statement, each planned once and cached: composed, a 10k load ran 16.4-19.1k
#: nodes+edges/s against 18.2-19.8k, and the round trips are a small share of them.
COMPOSE_ROWS = 1000


#: optimistic tries (lock, guard and statements in one query) before one that takes the
#: lock first, reads the head again and plans under the lock (cannot be refused for a
#: moved head)
OPTIMISTIC_TRIES = 3


class _Refused(neo4j_tx.EngineFailed):
    """The one-query unit failed: a moved head (plan again) or a refusal of its own."""

    def __init__(self, guard: int | None, error: Neo4jError) -> None:
        super().__init__(str(error))
        self.guard, self.error = guard, error


class _Rows(list):
    """A statement's rows, shown by their count. Why: the driver formats every RUN's
    parameters for its debug log before it looks at the log level, the ``repr`` of every
    row (4 % of a Neo4j bulk load's Python time, measured at 100k); the rows themselves
    are packed as any list is."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def _sent(params: dict) -> dict:
    return {k: _Rows(v) if isinstance(v, list) else v for k, v in params.items()}


def _rows_in(statements: list) -> int:
    return sum(list_items(st.params) for st in statements)


#: what the driver hands over as plain Python already (most values a planner reads)
_PLAIN = frozenset((str, int, float, bool, type(None)))


def _to_python(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Node):
        return {"_type": "node", "labels": sorted(value.labels), "properties": dict(value)}
    if isinstance(value, Relationship):
        return {"_type": "relationship", "type": value.type, "properties": dict(value)}
    if isinstance(value, GraphPath):
        return {"_type": "path", "nodes": [_to_python(n) for n in value.nodes],
                "relationships": [_to_python(r) for r in value.relationships]}
    if isinstance(value, list):
        return [_to_python(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_python(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):  # temporal values from analysts' queries
        return value.iso_format()
    return value


def _rows(tx: neo4j.Transaction, text: str, params: dict) -> list[dict]:
    """A query's rows in ``tx`` as plain Python (reads and a write unit's planner reads)."""
    return [{k: _to_python(v) for k, v in r.items()} for r in tx.run(text, _sent(params))]


class Neo4jStore(GraphStore):
    """A graph in a Neo4j 5 database (single server, cluster or Aura)."""

    backend = "neo4j"
    # large transactions cost more at commit than they save (10k demo, measured:
    # 2,000 artifacts a unit -> 5.9k nodes+edges/s, 500 -> ~19k). Re-measured with the
    # lock taken after planning (bench/write_units.py, 6k demo, a loaded 2-core machine):
    # 1,000 -> 4.1k/s (unit 7.4 s), 500 -> 4.5k (3.4 s), 250 -> 4.8k (1.5 s); reader p95
    # 77-95 ms at every size (reads are never blocked by a write transaction here).
    # Again with the next chunks prepared ahead (100k store, 3 GB page cache, alternating
    # runs of 10,000 artifacts): 500 -> 14.3-14.6k/s, 1,000 -> 12.3-13.8k; 250 -> 13.6k and
    # 15.3k against 500 -> 16.2k and 14.8k
    bulk_chunk = 500
    plans_while_committing = True

    def __init__(self, uri: str, user: str = "neo4j", password: str = "", database: str | None = None,
                 **driver_options: Any):
        try:
            # schema-less reads of properties not yet written are normal here, not warnings
            self._driver = GraphDatabase.driver(uri, auth=(user, password) if password else None,
                                                notifications_min_severity="OFF", **driver_options)
        except (ValueError, Neo4jError) as e:
            raise StoreUnavailable(f"cannot use Neo4j at {uri}: {e}") from e
        self.uri = uri
        self.database = database
        self.retry_seconds = float(driver_options.get("max_transaction_retry_time", neo4j_tx.RETRY_SECONDS))
        # how another process opens the same store (the lineage queue's writer process)
        self.reopen_args = (uri, user, password, database)

    def _q(self, name: str) -> str:
        return queries.get(name, "neo4j")

    def _session(self, **kw):
        return self._driver.session(database=self.database, **kw)

    def ping(self) -> None:
        try:
            self._driver.verify_connectivity()
        except (*_UNREACHABLE, AuthError, Neo4jError, DriverError) as e:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unreachable: {e}") from e

    def ensure_schema(self) -> None:
        try:
            with self._session() as s:
                for text in schema_setup.NEO4J:
                    s.run(text).consume()
                s.run("CALL db.awaitIndexes(60)").consume()
                schema_setup.backfill_version_pointers(lambda name, p: s.run(self._q(name), p).data(),
                                                       lambda name, p: s.run(self._q(name), p).consume())
        except _UNREACHABLE as e:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unreachable: {e}") from e

    def read(self, name: str, **params: Any) -> list[dict]:
        return self._read_text(self._q(name), params)

    def read_many(self, calls: list[tuple[str, dict]]) -> list[list[dict]]:
        """Independent reads as one query, one round trip (``union_reads``)."""
        text, params = union_reads.compose_reads(calls, self._q)
        return union_reads.split(self._read_text(text, params), len(calls))

    def _read_text(self, text: str, params: dict) -> list[dict]:
        try:
            return neo4j_tx.run(self._read_session, lambda tx: _rows(tx, text, params),
                                retry_seconds=self.retry_seconds)
        except _UNREACHABLE as e:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unreachable: {e}") from e

    def _read_session(self) -> neo4j.Session:
        return self._session(default_access_mode=neo4j.READ_ACCESS)

    def write_unit(self, planner: Planner, after: Callable[[Reader], None] | None = None) -> Any:
        def work(tx: neo4j.Transaction) -> Any:
            def reader(name: str, **params: Any) -> list[dict]:
                return _rows(tx, self._q(name), params)

            def many(calls: list[tuple[str, dict]]) -> list[list[dict]]:
                """Independent reads as one query, one round trip (``union_reads``)."""
                text, params = union_reads.compose_reads(calls, self._q)
                return union_reads.split(_rows(tx, text, params), len(calls))
            reader.many = many   # type: ignore[attr-defined]

            plan: Plan = planner(reader)
            if not plan.statements:
                return plan.result
            small = _rows_in(plan.statements) <= COMPOSE_ROWS
            if small and optimistic:
                # lock, guard and statements in one query: the guard reads the head once
                # the lock is held, and fails the query if another unit moved it
                lead = [Statement("audit_lock")] + (
                    [Statement("audit_guard", {"seq": plan.guard})] if plan.guard is not None else [])
                text, params = compose(lead + plan.statements, self._q)
                try:
                    tx.run(text, _sent(params)).consume()
                except Neo4jError as e:
                    raise _Refused(plan.guard, e) from e
                if after is not None:
                    after(reader)
                return plan.result
            tx.run(self._q("audit_lock")).consume()
            if plan.guard is not None and int(reader("audit_head")[0]["seq"]) != plan.guard:
                plan = planner(reader)  # another unit committed first; the lock is ours now
                if not plan.statements:
                    return plan.result
            if _rows_in(plan.statements) <= COMPOSE_ROWS:
                text, params = compose(plan.statements, self._q)
                tx.run(text, _sent(params)).consume()
            else:
                # not consumed one by one: the driver then packs and sends a statement
                # while the server runs the one before it, and the commit reads every
                # outcome first (a failed statement fails the unit there, rolled back)
                for st in plan.statements:
                    tx.run(self._q(st.name), _sent(st.params))
            if after is not None:
                after(reader)   # this unit's writes as it will commit them, under its lock
            return plan.result

        for attempt in range(OPTIMISTIC_TRIES + 1):
            optimistic = attempt < OPTIMISTIC_TRIES   # the last try takes the lock first
            try:
                return self._write(work)
            except _Refused as r:
                if r.guard is None or self._head_seq() == r.guard:
                    raise self._refusal(r.error) from r.error   # refused for its own sake
                # another unit moved the head first: plan again over its result
        raise AssertionError("unreachable: the last try takes the lock first")

    def _head_seq(self) -> int:
        try:
            return int(self.read("audit_head")[0]["seq"])
        except StoreUnavailable:
            return -1

    def _refusal(self, e: Neo4jError) -> WriteFailed:
        return WriteFailed(f"the store refused the write ({e.code}), so nothing of it was "
                           f"written: {e.message}")

    def _write(self, work: Callable) -> Any:
        try:
            return neo4j_tx.run(self._session, work, retry_seconds=self.retry_seconds)
        except IncompleteCommit as e:
            raise StoreUnavailable(
                f"Neo4j at {self.uri} went away while committing a write; it was applied whole or "
                f"not at all (`ownergraph audit verify --state` tells which): {e}") from e
        except _UNREACHABLE as e:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unreachable: {e}") from e
        except TransientError as e:  # still transient after its retries
            raise StoreUnavailable(f"Neo4j at {self.uri} could not apply the write now: {e}") from e
        except Neo4jError as e:  # refused by the engine: the transaction was rolled back
            raise self._refusal(e) from e

    def query_readonly(self, text: str, params: dict, timeout_ms: int, row_cap: int) -> ConsoleResult:
        """EXPLAIN first: the planner's query type must be read-only ('r'); then run it
        in a READ transaction with a time limit, so the database enforces both.

        Bounded like the FalkorDB console (``console_read``): the driver pulls at most
        ``min(row_cap + 1, 1000)`` records a batch and this stops after ``row_cap + 1``;
        leaving the transaction then DISCARDs the rest, which the server answers by
        closing the cursor, not by computing the rows (a 200M-row ``UNWIND`` capped at
        1,000 rows: 0.3 s). ``timeout_ms`` covers EXPLAIN and the run together.
        """
        params = params or {}
        deadline = time.monotonic() + timeout_ms / 1000.0
        columns: list[str] = []
        rows: list[list] = []
        truncated = False
        try:
            with self._session(default_access_mode=neo4j.READ_ACCESS,
                               fetch_size=min(int(row_cap) + 1, 1000)) as s:
                summary = s.run(Query("EXPLAIN " + text, timeout=timeout_ms / 1000.0), params).consume()
                if summary.query_type not in ("r", None):
                    raise PermissionDenied(
                        f"this console is read-only: the query would write (type {summary.query_type!r})")
                left = deadline - time.monotonic()
                if left <= 0.001:
                    raise ValidationFailed([Problem("query", "the time limit ran out while the query was planned")])
                tx = s.begin_transaction(timeout=left)
                try:
                    result = tx.run(text, params)
                    columns = list(result.keys())
                    budget = console_read.ValueBudget()
                    for record in result:
                        if len(rows) >= row_cap:
                            truncated = True
                            break
                        values = record.values()
                        budget.take(values)
                        rows.append([_to_python(v) for v in values])
                except BaseException as e:
                    # a query the engine failed (its time limit struck) is over there;
                    # the rollback of such a transaction raised over the real error
                    neo4j_tx.leave(tx, e)
                    raise
                neo4j_tx.leave(tx, None)   # read-only: rolled back, the rest discarded
        except console_read.ReplyTooLarge:
            raise console_read.too_large() from None
        except _UNREACHABLE as e:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unreachable: {e}") from e
        except ClientError as e:
            if e.code == _ACCESS_MODE:
                raise PermissionDenied("this console is read-only: the query would write") from e
            raise ValidationFailed([Problem("query", e.message or str(e))]) from e
        except TransientError as e:
            if e.code in _OUT_OF_MEMORY:
                raise ValidationFailed([Problem("query", "the query needs more memory than the server grants one "
                                                         f"query ({e.message or e.code})")]) from e
            raise StoreUnavailable(f"Neo4j could not run the query now: {e.message or e}") from e
        return ConsoleResult(columns, rows, truncated)

    def explain_readonly(self, text: str, params: dict, timeout_ms: int) -> list[str]:
        """Neo4j's EXPLAIN: planned, never run; the plan comes from the result summary.
        A query the planner types as anything but read ('r') is refused like a write."""
        try:
            with self._session(default_access_mode=neo4j.READ_ACCESS) as s:
                summary = s.run(Query("EXPLAIN " + text, timeout=timeout_ms / 1000.0), params or {}).consume()
        except _UNREACHABLE as e:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unreachable: {e}") from e
        except ClientError as e:
            raise ValidationFailed([Problem("query", e.message or str(e))]) from e
        if summary.query_type not in ("r", None):
            raise PermissionDenied(f"this console is read-only: the query would write (type "
                                   f"{summary.query_type!r}), so it is not explained either")
        return plan_lines(summary.plan or {})

    def clear(self) -> None:
        """Delete everything in bounded transactions: one statement over ``MATCH (n)``
        holds every node in transaction memory and fails on a large graph. Relationships
        go first, 10,000 a time: 10,000 nodes detached at once ran out of the 512 MiB
        transaction memory when some had thousands of relationships (a 200k-artifact
        store whose stream jobs had run for hours)."""
        try:
            with self._session() as s:
                for text in ("MATCH ()-[r]->() WITH r LIMIT 10000 DELETE r RETURN count(*) AS n",
                             "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS n"):
                    while s.run(text).single()["n"]:
                        pass
        except _UNREACHABLE as e:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unreachable: {e}") from e

    def close(self) -> None:
        """Close the driver; a failure to close is logged, never raised. Why: a thread
        still in a query (a request cut off by a stop, the pages' warm-up) shares the
        connection the pool closes, and the driver then raised ``BufferError`` out of
        ``close`` (seen when ``serve`` was stopped during a warm-up), which made a clean
        stop exit with an error. Nothing can be done about a driver that did not close
        cleanly: the connections go with the process or the server times them out."""
        try:
            self._driver.close()
        except Exception as e:  # noqa: BLE001 - see above
            log.warning("closing the Neo4j driver: %s: %s", type(e).__name__, e)


def plan_lines(plan: dict) -> list[str]:
    """Neo4j's plan tree (``summary.plan``: operatorType, args, identifiers,
    children) as indented lines: operator, its details and the estimated rows. Walked
    without recursion: a long UNION chain makes a deep tree."""
    out: list[str] = []
    stack = [(plan, 0)]
    while stack:
        node, depth = stack.pop()
        args = node.get("args") or node.get("arguments") or {}
        line = "    " * depth + str(node.get("operatorType") or "?").split("@")[0]
        if args.get("Details"):
            line += " | " + str(args["Details"])
        if args.get("EstimatedRows") is not None:
            line += f" | ~{float(args['EstimatedRows']):.0f} rows"
        out.append(line)
        stack.extend((child, depth + 1) for child in reversed(node.get("children") or []))
    return out
