"""The FalkorDB backend: the embedded default, also usable against a running server.

Atomic writes: FalkorDB runs each query atomically but has no multi-statement
transaction, so a write unit is a Redis ``MULTI``/``EXEC`` block. ``WATCH`` on a
token key that every unit increments makes concurrent writers serialise optimistically:
the planner reads, the block applies only if no other unit committed meanwhile, else
the unit is planned again. The append-only file records the block whole or (after a
crash mid-write) not at all. What MULTI cannot do is roll back a statement that fails
while the block runs, so the write path validates everything before it plans.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.helpers import quote_string
from falkordb.node import Node
from falkordb.path import Path as GraphPath
from falkordb.query_result import QueryResult

from ..errors import PermissionDenied, StoreUnavailable, ValidationFailed, Problem
from . import console_read, queries, schema_setup
from .base import ConsoleResult, GraphStore, Plan, Planner
from .embedded import EmbeddedServer, compact_aof

_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MAX_RETRIES = 50



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


def _render_map(value: dict) -> str:
    items = []
    for k, v in value.items():
        if not isinstance(k, str) or not k or "`" in k:
            raise ValueError(f"bad map key {k!r}")
        items.append(f"`{k}`:{_render(v)}")
    return "{" + ",".join(items) + "}"


_RENDERERS: dict[type, Any] = {
    type(None): lambda v: "null",
    bool: lambda v: "true" if v else "false",
    str: quote_string,
    int: str,
    float: _render_float,
    list: lambda v: "[" + ",".join(map(_render, v)) + "]",
    tuple: lambda v: "[" + ",".join(map(_render, v)) + "]",
    dict: _render_map,
}


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


class FalkorDBStore(GraphStore):
    """A graph in a FalkorDB server, reached over a unix socket (embedded) or TCP."""

    backend = "falkordb"
    # one fsynced MULTI block per unit; fewer, larger units load faster here
    # (10k demo, measured: 2,000 artifacts a unit -> 20.9k nodes+edges/s, 500 -> 14.8k)
    bulk_chunk = 2000

    def __init__(self, *, home: Path | None = None, socket_path: str | None = None,
                 host: str | None = None, port: int = 6379, graph: str = "ownergraph"):
        self._server: EmbeddedServer | None = None
        if home is not None:
            self._server = EmbeddedServer(Path(home))
            socket_path = str(self._server.acquire())
        try:
            if socket_path:
                self._db = FalkorDB(unix_socket_path=socket_path)
            else:
                self._db = FalkorDB(host=host or "127.0.0.1", port=port)
        except redis.RedisError as e:
            self._release()
            raise StoreUnavailable(f"cannot reach FalkorDB: {e}") from e
        self.graph_name = graph
        self._graph = self._db.select_graph(graph)
        self._conn: redis.Redis = self._db.connection
        self._token = f"ownergraph:{graph}:write-token"

    # -- plumbing ---------------------------------------------------------------------

    def _q(self, name: str) -> str:
        return queries.get(name, self.backend)

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
        for label, key in schema_setup.UNIQUE_KEYS.items():
            if (label, (key,)) in constraints:
                continue
            try:
                self._conn.execute_command(
                    "GRAPH.CONSTRAINT", "CREATE", self.graph_name, "UNIQUE", "NODE", label,
                    "PROPERTIES", 1, key)
                created = True
            except redis.ResponseError as e:
                if "already exists" not in str(e).lower():
                    raise
        if created and self._server is not None:
            compact_aof(self._conn)  # indexes in the snapshot, not only in the log

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
        except redis.ConnectionError as e:
            raise StoreUnavailable(f"FalkorDB is unreachable: {e}") from e

    # -- the interface ----------------------------------------------------------------

    def read(self, name: str, **params: Any) -> list[dict]:
        try:
            return self._rows(self._graph.ro_query(params_header(params) + self._q(name)))
        except redis.ConnectionError as e:
            raise StoreUnavailable(f"FalkorDB is unreachable: {e}") from e

    def write_unit(self, planner: Planner) -> Any:
        for _ in range(_MAX_RETRIES):
            try:
                with self._conn.pipeline(transaction=True) as pipe:
                    pipe.watch(self._token)

                    def reader(name: str, **params: Any) -> list[dict]:
                        raw = pipe.execute_command(
                            "GRAPH.RO_QUERY", self.graph_name,
                            params_header(params) + self._q(name), "--compact")
                        return self._rows(QueryResult(self._graph, raw))

                    plan: Plan = planner(reader)
                    pipe.multi()
                    for st in plan.statements:
                        pipe.execute_command("GRAPH.QUERY", self.graph_name,
                                             params_header(st.params) + self._q(st.name), "--compact")
                    pipe.incr(self._token)
                    pipe.execute()
                    return plan.result
            except redis.WatchError:
                continue
            except redis.ConnectionError as e:
                raise StoreUnavailable(f"FalkorDB is unreachable: {e}") from e
        raise StoreUnavailable("too many concurrent writers; the write was not applied")

    def query_readonly(self, text: str, params: dict, timeout_ms: int, row_cap: int) -> ConsoleResult:
        """Bounded in rows (in the engine), reply bytes and time: see ``console_read``."""
        try:
            header = params_header(params or {})
        except (ValueError, RecursionError) as e:
            raise ValidationFailed([Problem("params", str(e))]) from e
        try:
            reply = console_read.run(self._address(), self.graph_name, header, text, int(timeout_ms), int(row_cap))
            res = QueryResult(self._graph, reply.raw)
        except (redis.ConnectionError, ConnectionError, OSError) as e:
            raise StoreUnavailable(f"FalkorDB is unreachable: {e}") from e
        except redis.ResponseError as e:
            msg = str(e)
            if "read-only" in msg or "RO_QUERY" in msg:
                raise PermissionDenied("this console is read-only: the query would write") from e
            raise ValidationFailed([Problem("query", msg)]) from e
        columns = [h[1] for h in res.header]
        rows = [[_to_python(v) for v in row] for row in res.result_set[:row_cap]]
        if reply.wrapped and len(columns) > 1:
            order = console_read.column_order(text, columns)
            columns = [columns[i] for i in order]
            rows = [[row[i] for i in order] for row in rows]
        return ConsoleResult(columns, rows, truncated=reply.truncated or len(res.result_set) > row_cap)

    def _address(self) -> dict:
        """Where a console query's own connection goes: the product pool's settings."""
        kw = self._conn.connection_pool.connection_kwargs
        return {k: kw.get(k) for k in ("path", "host", "port", "username", "password")}

    def clear(self) -> None:
        try:
            self._graph.delete()
        except redis.ResponseError:
            pass  # no such graph yet
        self._graph = self._db.select_graph(self.graph_name)
        self._conn.delete(self._token)

    def close(self) -> None:
        try:
            self._conn.close()
        finally:
            self._release()

    def _release(self) -> None:
        if self._server is not None:
            self._server.release()
            self._server = None
