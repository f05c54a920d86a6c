"""The FalkorDB backend: the embedded default, also usable against a running server.

Atomic writes: FalkorDB has no multi-statement transaction, but ONE query is atomic
(its undo log rolls back every earlier clause when a later one fails: a runtime
error, a unique constraint), so a write unit is sent as one ``GRAPH.QUERY`` built by
``compose`` (see there). The former Redis ``MULTI``/``EXEC`` block of several queries
could not undo the queries that had run when a later one was refused, and the audit
log then recorded what had not happened.

Serialisation: FalkorDB runs write queries one at a time per graph, so a check at the
start of the query sees the state the rest of it writes over. The unit's first part
(``audit_guard``) fails the query when the audit head is no longer the one the planner
read; the unit is then planned again over the new state (optimistic, as ``WATCH`` was).
Planners read the head before anything else, so anything committed after that moves
the head and is caught.

Readers: a unit inside ``MULTI`` ran on the Redis main thread and held every reader for
its whole length; a plain ``GRAPH.QUERY`` runs in the module's writer thread and reads
run beside it in the reader pool, waiting only while it commits (measured: a read
issued during a 10 s write query answered in 0.04 s; figures per chunk size at
``bulk_chunk`` below). A read never sees half a unit (measured: a reader polling
through a three-part query that created 900k nodes saw none of them or all).

Cost of one query instead of many: none measurable. A 2,000-artifact demo unit
(39 statements, 58k rows, a 17 MB query) ran in 1.96 s as one query against 2.42 s as
separate queries; parsing the parameter header is linear (about 2.5 us a row).
Demo 10k load, old MULTI unit against this one, interleaved on the same loaded machine:
3,667 / 4,251 against 3,671 / 4,116 nodes+edges/s.

Values: parameters travel as text in a ``CYPHER k=v`` header. A NUL character ends the
query text inside the engine and a lone surrogate cannot be sent as UTF-8, so both are
refused with the statement and the value's path before anything is sent.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import redis
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as GraphPath
from falkordb.query_result import QueryResult

from ..errors import (ConsoleEngineStopped, ConsoleEngineUnavailable, EngineStopped, PermissionDenied, Problem,
                      StoreUnavailable, ValidationFailed, WriteFailed)
from . import console_engine, console_ranges, console_read, falkordb_reply, queries, schema_setup, union_reads
from .base import ConsoleResult, GraphStore, Plan, Planner, Reader, Statement, list_items
from .compose import compose, origin
from .embedded import EmbeddedServer, compact_aof, stored_secret

#: redis-py's own classes for "the server did not answer" (BusyLoadingError is a
#: ConnectionError); the engine's refusals are ResponseError
_UNREACHABLE = (redis.ConnectionError, redis.TimeoutError)
_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MAX_RETRIES = 50


class _UnitReader:
    """The reader a planner gets: a plain ``read``, plus ``many`` that joins independent
    reads into one query (``union_reads``). Why one query: a lineage unit of one event
    made seven reads; sent side by side on a second connection they still cost a wait
    each, and the writer then waited again for the interpreter lock after each answer
    (a unit took 11 ms served, 7 ms alone). One query is one wait and one snapshot.
    Consistency is the unit's: the audit head is read first (or as the first part of
    the first joined read), and the write is refused and planned again if anything
    committed since (``write_unit``).

    Large reads (a batch's, ``SPLIT_KEYS`` keys or more) go as two such queries at once,
    on two connections, so two engine threads share them (batches of 100: 1,446 and 1,466
    events/s as one query against 1,541 and 1,583 side by side before). Each half then
    carries the audit head, and the plan keeps the older of the two: if a unit committed
    between them, the write is refused and planned again, as for any other commit."""

    def __init__(self, store: "FalkorDBStore") -> None:
        self._store = store

    def __call__(self, name: str, **params: Any) -> list[dict]:
        return self._store.read(name, **params)

    def many(self, calls: list[tuple[str, dict]]) -> list[list[dict]]:
        keys = sum(list_items(p) for _, p in calls)
        if keys < SPLIT_KEYS or len(calls) < 3:
            return self._store.read_many(calls)
        head = calls[0][0] == "audit_head"
        first = 1 if head else 0
        halves: tuple[list[int], list[int]] = ([], [])
        weight = [0, 0]
        order = sorted(range(first, len(calls)), key=lambda i: -list_items(calls[i][1]))
        for i in order:   # the heaviest first, each to the lighter half
            side = 0 if weight[0] <= weight[1] else 1
            halves[side].append(i)
            weight[side] += list_items(calls[i][1])
        lead = [0] if head else []
        asks = [lead + sorted(h) for h in halves]
        later = self._store.reader_pool().submit(self._store.read_many, [calls[i] for i in asks[1]])
        answers = dict(zip(asks[0], self._store.read_many([calls[i] for i in asks[0]])))
        other = dict(zip(asks[1], later.result()))
        if head:   # the older head: a commit between the halves then refuses the write
            heads = [answers[0], other.pop(0)]
            answers[0] = min(heads, key=lambda rows: int(rows[0]["seq"]))
        answers.update(other)
        return [answers[i] for i in range(len(calls))]


#: keys (list items in the parameters) from which a planner's joined read is sent as two
#: queries side by side (a single event's reads carry about ten, a batch of 100 hundreds)
SPLIT_KEYS = 200


class UnsendableValue(ValueError):
    """A parameter value that cannot travel in query text; ``path`` locates it."""

    def __init__(self, path: str, message: str):
        self.path = path
        super().__init__(f"{path}: {message}")


def _unsendable(value: Any, path: str):
    """The first (path, reason) in ``value`` that query text cannot carry, else None.
    Walked only once a cheap check of the whole text has found something."""
    if isinstance(value, str):
        if "\x00" in value:
            return path, "the NUL character (U+0000) cannot be stored"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path, "a lone surrogate code point is not valid Unicode text"
        return None
    if isinstance(value, (list, tuple)):
        items = enumerate(value)
    elif isinstance(value, dict):
        items = value.items()
        for k in value:
            found = _unsendable(k, f"{path}.<key>")
            if found:
                return found
    else:
        return None
    for k, v in items:
        found = _unsendable(v, f"{path}[{k}]" if isinstance(k, int) else f"{path}.{k}")
        if found:
            return found
    return None


def query_bytes(params: dict[str, Any], text: str) -> bytes:
    """Header plus query as the UTF-8 bytes sent to the engine.

    Raises:
        UnsendableValue: a NUL or a lone surrogate in a value, with its path.
        ValueError: a value of a type no Cypher literal has (NaN, an object ...).
    """
    full = params_header(params) + text
    if "\x00" not in full:
        try:
            return full.encode("utf-8")
        except UnicodeEncodeError:
            pass
    for key, value in params.items():
        found = _unsendable(value, key)
        if found:
            raise UnsendableValue(*found)
    raise UnsendableValue("query", "the query text itself cannot be sent")  # pragma: no cover


def params_header(params: dict[str, Any]) -> str:
    """FalkorDB's way of passing parameters: a ``CYPHER k=v ...`` prefix.

    Strings go through the client library's quoting (backslashes and quotes escaped);
    names must be plain identifiers; nothing else is ever spliced into query text.
    """
    if not params:
        return ""
    parts = []
    for key, value in params.items():
        if not _PARAM_NAME.match(key):
            raise ValueError(f"bad parameter name {key!r}")
        parts.append(f"{key}={_render(value)}")
    return "CYPHER " + " ".join(parts) + " "


def _render(value: Any) -> str:
    """A value as a Cypher literal. Dispatch on the exact type: bulk writes render
    hundreds of thousands of values, and an isinstance chain cost seconds per load."""
    render = _RENDERERS.get(type(value))
    if render is None:
        for base, fn in _RENDERERS.items():  # subclasses (IntEnum, str enums ...)
            if base is not type(None) and base is not bool and isinstance(value, base):
                render = fn
                break
        else:
            raise ValueError(f"cannot pass a {type(value).__name__} as a parameter")
    return render(value)


def _render_float(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("NaN and infinity cannot be stored")
    return repr(value)


_KEYS: dict[str, str] = {}   # map key -> its checked "`key`:" (a load renders the same few keys a million times)


def _render_map(value: dict) -> str:
    items = []
    for k, v in value.items():
        head = _KEYS.get(k) if type(k) is str else None
        if head is None:
            if not isinstance(k, str) or not k or "`" in k:
                raise ValueError(f"bad map key {k!r}")
            head = f"`{k}`:"
            if len(_KEYS) < 10_000:
                _KEYS[k] = head
        render = _RENDERERS.get(type(v))
        items.append(head + (render(v) if render is not None else _render(v)))
    return "{" + ",".join(items) + "}"


def _quote(value: str) -> str:
    """The client library's ``quote_string`` for text, without its type checks (the
    dispatch already knows the type): backslashes and double quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_RENDERERS: dict[type, Any] = {
    type(None): lambda v: "null",
    bool: lambda v: "true" if v else "false",
    str: _quote,
    int: str,
    float: _render_float,
    list: lambda v: "[" + ",".join(map(_render, v)) + "]",
    tuple: lambda v: "[" + ",".join(map(_render, v)) + "]",
    dict: _render_map,
}


#: FalkorDB's reply when GRAPH.RO_QUERY meets a write clause. Its errors carry no code
#: (every reply is a plain Redis error), so this one exact text is what identifies it.
_RO_REFUSAL = "graph.RO_QUERY is to be executed only on read-only queries"


# Plan operators that change the graph (FalkorDB 4.x names); a bare text reply such as
# "Create Index" is a schema change and refused as well.
_WRITE_OPERATORS = ("Create", "Update", "Delete", "Merge", "MergeCreate")


def _is_write_refusal(e: redis.ResponseError) -> bool:
    return str(e).strip() == _RO_REFUSAL


def _to_python(value: Any) -> Any:
    if isinstance(value, Node):
        return {"_type": "node", "labels": list(value.labels or []), "properties": dict(value.properties)}
    if isinstance(value, Edge):
        return {"_type": "relationship", "type": value.relation,
                "properties": dict(value.properties)}
    if isinstance(value, GraphPath):
        return {"_type": "path", "nodes": [_to_python(n) for n in value.nodes()],
                "relationships": [_to_python(e) for e in value.edges()]}
    if isinstance(value, list):
        return [_to_python(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_python(v) for k, v in value.items()}
    return value


def _console_header(params: dict | None) -> str:
    """An analyst's parameters as the ``CYPHER k=v`` header; NUL, lone surrogates and
    unrenderable values are refused by their path under ``params``."""
    try:
        query_bytes(params or {}, "")
        return params_header(params or {})
    except UnsendableValue as e:
        raise ValidationFailed([Problem(f"params.{e.path}", str(e).split(": ", 1)[1])]) from e
    except (ValueError, RecursionError) as e:
        raise ValidationFailed([Problem("params", str(e))]) from e


class FalkorDBStore(GraphStore):
    """A graph in a FalkorDB server, reached over a unix socket (embedded) or TCP."""

    backend = "falkordb"
    # one query per unit; bench/write_units.py, a 2-core machine shared with other jobs
    # (load average 4-15), so rates swing with its load; four runs:
    #   size  load  2,000 a unit      500               250               (nodes+edges/s)
    #   10k   ~4    6.3k              13.5k             11.6k
    #   10k   ~12   4.7k              4.8k              4.5k
    #   6k    ~15   3.1k              5.1k              6.5k
    #   10k   ~9    10.3k             7.8k              8.7k
    # The rate is within noise from 250 to 2,000; what scales with the size is the
    # longest a reader waited (one unit's commit): 2,000 -> 2.8-12.1 s, 500 -> 1.0-2.4 s,
    # 250 -> 0.65-2.5 s. Reader p95: 2,000 -> 21-60 ms, 500 -> 36-53 ms, 250 -> 54-128 ms
    # (more commits, more reads that meet one). 500 keeps both low.
    bulk_chunk = 500
    reads_wait_for_writes = True

    def __init__(self, *, home: Path | None = None, socket_path: str | None = None,
                 host: str | None = None, port: int = 6379, graph: str = "ownergraph"):
        self._server: EmbeddedServer | None = None
        embedded_home: Path | None = None
        if home is not None:
            self._server = EmbeddedServer(Path(home))
            socket_path = str(self._server.acquire())
            embedded_home = self._server.home
        elif socket_path and (Path(socket_path).parent / "server.lock").exists():
            embedded_home = Path(socket_path).parent   # a server of a data directory, leased elsewhere
        # console queries run on the embedded engine's replica (``console_engine``)
        self._console: console_engine.ConsoleEngine | None = None
        try:
            if embedded_home is not None and console_engine.enabled():
                self._console = console_engine.ConsoleEngine(embedded_home)
            if socket_path:
                password = stored_secret(embedded_home) if embedded_home is not None else None
                self._db = FalkorDB(unix_socket_path=socket_path, password=password)
            else:
                self._db = FalkorDB(host=host or "127.0.0.1", port=port)
        except StoreUnavailable:
            self._release()
            raise
        except redis.RedisError as e:
            self._release()
            raise StoreUnavailable(f"cannot reach FalkorDB: {e}") from e
        self.graph_name = graph
        # how another process opens the same store (the lineage queue's writer process)
        self.reopen_args = (socket_path, graph) if socket_path else None
        self._graph = self._db.select_graph(graph)
        self._conn: redis.Redis = self._db.connection
        self._pool: ThreadPoolExecutor | None = None

    # -- plumbing ---------------------------------------------------------------------

    def _q(self, name: str) -> str:
        return queries.get(name)

    def _rows(self, result: QueryResult) -> list[dict]:
        names = [h[1] for h in result.header]
        return [dict(zip(names, (_to_python(v) for v in row))) for row in result.result_set]

    def ping(self) -> None:
        try:
            self._conn.ping()
        except redis.RedisError as e:
            raise StoreUnavailable(f"FalkorDB is unreachable: {e}") from e

    def ensure_schema(self) -> None:
        existing = {(r["label"], p) for r in self._indexes() for p in r["properties"]}
        created = False
        for label, prop, statement in schema_setup.FALKORDB_INDEXES:
            if (label, prop) not in existing:
                self._run_write(statement, {})
                created = True
        constraints = {(c[1], tuple(c[2])) for c in self._constraints()}
        for label, key in schema_setup.FALKORDB_DROPPED_UNIQUE:
            if (label, (key,)) in constraints:
                self._unique("DROP", label, key)
                created = True
        for label, key in schema_setup.FALKORDB_UNIQUE_KEYS.items():
            if (label, (key,)) not in constraints:
                self._unique("CREATE", label, key)
                created = True
        schema_setup.backfill_version_pointers(lambda name, p: self._read_text(self._q(name), p),
                                               lambda name, p: self._run_write(self._q(name), p))
        if created and self._server is not None:
            compact_aof(self._conn)  # indexes in the snapshot, not only in the log

    def _unique(self, verb: str, label: str, key: str) -> None:
        """CREATE or DROP the unique constraint on ``label.key``; another process doing
        the same meanwhile is no error (decided by the state after, not message text)."""
        try:
            self._conn.execute_command("GRAPH.CONSTRAINT", verb, self.graph_name, "UNIQUE", "NODE", label,
                                       "PROPERTIES", 1, key)
        except redis.ResponseError:
            held = (label, (key,)) in {(c[1], tuple(c[2])) for c in self._constraints()}
            if held != (verb == "CREATE"):
                raise

    def _indexes(self) -> list[dict]:
        try:
            res = self._graph.ro_query("CALL db.indexes() YIELD label, properties RETURN label, properties")
        except redis.ResponseError:
            return []
        return [{"label": r[0], "properties": list(r[1])} for r in res.result_set]

    def _constraints(self) -> list:
        try:
            res = self._graph.ro_query(
                "CALL db.constraints() YIELD type, label, properties RETURN type, label, properties")
        except redis.ResponseError:
            return []
        return [(r[0], r[1], list(r[2])) for r in res.result_set]

    def _run_write(self, text: str, params: dict) -> QueryResult:
        try:
            return self._graph.query(params_header(params) + text)
        except _UNREACHABLE as e:
            raise StoreUnavailable(f"FalkorDB is unreachable: {e}") from e

    # -- the interface ----------------------------------------------------------------

    def read(self, name: str, **params: Any) -> list[dict]:
        return self._read_text(self._q(name), params)

    def reader_pool(self) -> ThreadPoolExecutor:
        """One more thread for the second half of a large joined read (made when first needed)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="falkordb-read")
        return self._pool

    def read_many(self, calls: list[tuple[str, dict]]) -> list[list[dict]]:
        """The answers of independent named reads, in order, from one query."""
        text, params = union_reads.compose_reads(calls, self._q)
        return union_reads.split(self._read_text(text, params, calls), len(calls))

    def _read_text(self, text: str, params: dict, calls: list | None = None) -> list[dict]:
        try:
            query = query_bytes(params, text)
        except UnsendableValue as e:
            raise ValidationFailed([Problem(origin(e.path, [n for n, _ in calls], "r") if calls else e.path,
                                            str(e).split(": ", 1)[1])]) from e
        try:
            raw = self._conn.execute_command("GRAPH.RO_QUERY", self.graph_name, query, "--compact")
        except _UNREACHABLE as e:
            raise StoreUnavailable(f"FalkorDB is unreachable: {e}") from e
        decoded = falkordb_reply.rows(raw)
        return decoded if decoded is not None else self._rows(QueryResult(self._graph, raw))

    def write_unit(self, planner: Planner, after: Callable[[Reader], None] | None = None) -> Any:
        reader = _UnitReader(self)
        for _ in range(_MAX_RETRIES):
            plan: Plan = planner(reader)
            if not plan.statements:
                return plan.result
            query = plan.prepared if plan.prepared is not None else self._unit_query(self._guarded(plan))
            try:
                self._conn.execute_command("GRAPH.QUERY", self.graph_name, query, "--compact")
            except _UNREACHABLE as e:  # also a server still loading its data
                raise StoreUnavailable(
                    "FalkorDB went away during a write; the write was applied whole or not at "
                    f"all (`ownergraph audit verify --state` tells which): {e}") from e
            except redis.ResponseError as e:
                if plan.guard is not None and self._head_seq() != plan.guard:
                    continue  # another unit committed first: plan again over its result
                raise WriteFailed(f"the store refused the write, so nothing of it was written: {e}") from e
            if after is not None:
                after(reader)
            return plan.result
        raise StoreUnavailable("too many concurrent writers; the write was not applied")

    def prepare(self, plan: Plan) -> None:
        """The unit's one query, rendered now (its text is a third of the writer's own
        work at the write; ``ingest.ol_overlay`` renders it while the unit before is written)."""
        if plan.statements:
            plan.prepared = self._unit_query(self._guarded(plan))

    @staticmethod
    def _guarded(plan: Plan) -> list[Statement]:
        if plan.guard is None:
            return plan.statements
        return [Statement("audit_guard", {"seq": plan.guard}), *plan.statements]

    def _unit_query(self, statements: list[Statement]) -> bytes:
        """The unit as one query (see ``compose``); refuses unsendable values by path."""
        text, params = compose(statements, self._q)
        try:
            return query_bytes(params, text)
        except UnsendableValue as e:
            # s3_rows[0].name -> upsert_people: rows[0].name
            where = origin(e.path, [st.name for st in statements], "s")
            raise ValidationFailed([Problem(where, str(e).split(": ", 1)[1])]) from e
        except ValueError as e:
            raise ValidationFailed([Problem("write", str(e))]) from e

    def _head_seq(self) -> int:
        try:
            return int(self.read("audit_head")[0]["seq"])
        except StoreUnavailable:
            return -1

    def query_readonly(self, text: str, params: dict, timeout_ms: int, row_cap: int) -> ConsoleResult:
        """Bounded in rows (in the engine), reply bytes and time: see ``console_read``;
        a ``range()`` the engine could not stop is refused first (``console_ranges``)."""
        console_ranges.check(text, params)
        header = _console_header(params)
        if self._console is not None:   # waiting for a starting replica is part of the time limit
            started = time.monotonic()
            address = self._console.address(wait_s=timeout_ms / 1000, written_to=self._written_to())
            timeout_ms = int(timeout_ms - (time.monotonic() - started) * 1000)
            if timeout_ms < 1:
                raise ConsoleEngineUnavailable("the console's engine was still starting when this query's time "
                                               "limit ran out; try again in a few seconds")
        else:
            address = self._address()
        try:
            reply = console_read.run(address, self.graph_name, header, text, int(timeout_ms), int(row_cap))
            res = QueryResult(self._graph, reply.raw)
        except (ConnectionRefusedError, FileNotFoundError) as e:   # never reached: not stopped by this query
            if self._console is not None:
                raise ConsoleEngineUnavailable(f"the console's engine is unreachable: {e}; it starts "
                                               f"again with the next console query") from e
            raise StoreUnavailable(f"FalkorDB is unreachable: {e}") from e
        except (*_UNREACHABLE, ConnectionError, OSError) as e:
            if self._console is not None:
                raise ConsoleEngineStopped(
                    f"the console's engine stopped during this console query: {e}. A query that builds "
                    f"more than the engine's memory ceiling in one step stops it; it runs apart from "
                    f"the engine the pages use, which did not notice, and starts again with the next "
                    f"console query") from e
            raise EngineStopped(
                f"FalkorDB stopped answering during this console query: {e}. A query that builds "
                f"more than the engine's memory ceiling in one step stops the engine; ownergraph "
                f"starts it again by itself") from e
        except redis.ResponseError as e:
            if _is_write_refusal(e):
                raise PermissionDenied("this console is read-only: the query would write") from e
            raise ValidationFailed([Problem("query", str(e))]) from e
        columns = [h[1] for h in res.header]
        rows = [[_to_python(v) for v in row] for row in res.result_set[:row_cap]]
        if reply.wrapped and len(columns) > 1:
            order = console_read.column_order(text, columns)
            columns = [columns[i] for i in order]
            rows = [[row[i] for i in order] for row in rows]
        return ConsoleResult(columns, rows, truncated=reply.truncated or len(res.result_set) > row_cap)

    def explain_readonly(self, text: str, params: dict, timeout_ms: int) -> list[str]:
        """FalkorDB's ``GRAPH.EXPLAIN``: the plan is built, never run (checked: after
        explaining CREATE, MERGE, SET, DELETE and CREATE INDEX nothing was written). A
        plan with a write operator is refused like a write all the same. The plan's size
        follows the query's (at most ``MAX_QUERY_CHARS``), so it is read whole."""
        header = _console_header(params)
        try:
            plan = self._conn.execute_command("GRAPH.EXPLAIN", self.graph_name, header + text)
        except _UNREACHABLE as e:
            raise StoreUnavailable(f"FalkorDB is unreachable: {e}") from e
        except redis.ResponseError as e:
            raise ValidationFailed([Problem("query", str(e))]) from e
        lines = [plan] if isinstance(plan, str) else [str(x) for x in plan]
        writes = sorted({w for line in lines for w in _WRITE_OPERATORS if line.strip().split(" |")[0] == w})
        if writes or isinstance(plan, str):
            raise PermissionDenied(f"this console is read-only: the query would write "
                                   f"({', '.join(writes) or lines[0]}), so it is not explained either")
        return lines

    def _written_to(self) -> int | None:
        """The main engine's replication offset now: how far the console's replica must
        have applied before a console query reads it (None when it cannot be read: the
        query then runs on what the replica holds)."""
        try:
            return int(self._conn.info("replication")["master_repl_offset"])
        except (redis.RedisError, OSError, KeyError, ValueError):
            return None

    def _address(self) -> dict:
        """Where a console query's own connection goes: the product pool's settings."""
        kw = self._conn.connection_pool.connection_kwargs
        return {k: kw.get(k) for k in ("path", "host", "port", "username", "password")}

    def clear(self) -> None:
        try:
            self._graph.delete()
        except redis.ResponseError:
            pass  # no such graph yet
        except _UNREACHABLE as e:
            raise StoreUnavailable(f"FalkorDB is unreachable: {e}") from e
        self._graph = self._db.select_graph(self.graph_name)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
        try:
            self._conn.close()
        finally:
            self._release()

    def _release(self) -> None:
        if self._server is not None:
            self._server.release()
            self._server = None
