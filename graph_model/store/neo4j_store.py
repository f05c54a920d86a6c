"""The Neo4j backend: production, over Bolt with the official driver.

Reads run in read transactions (a cluster routes them to followers); a write unit is
one managed write transaction, retried by the driver on transient errors, which is
why planners are side-effect free and statements MERGE on natural keys. Writers are
serialised by taking the audit head's write lock as the unit's first statement.
"""

from __future__ import annotations

from typing import Any

import neo4j
from neo4j import GraphDatabase, Query, RoutingControl
from neo4j.exceptions import ClientError, Neo4jError, ServiceUnavailable, AuthError
from neo4j.graph import Node, Path as GraphPath, Relationship

from ..errors import PermissionDenied, StoreUnavailable, ValidationFailed, Problem
from . import queries, schema_setup
from .base import ConsoleResult, GraphStore, Plan, Planner


def _to_python(value: Any) -> Any:
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


class Neo4jStore(GraphStore):
    """A graph in a Neo4j 5 database (single server, cluster or Aura)."""

    backend = "neo4j"
    # large transactions cost more at commit than they save (10k demo, measured:
    # 2,000 artifacts a unit -> 5.9k nodes+edges/s, 500 -> ~19k)
    bulk_chunk = 500

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

    def _q(self, name: str) -> str:
        return queries.get(name, self.backend)

    def _session(self, **kw):
        return self._driver.session(database=self.database, **kw)

    def ping(self) -> None:
        try:
            self._driver.verify_connectivity()
        except (ServiceUnavailable, AuthError, OSError, Neo4jError) as e:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unreachable: {e}") from e

    def ensure_schema(self) -> None:
        try:
            with self._session() as s:
                for text in schema_setup.NEO4J:
                    s.run(text).consume()
                s.run("CALL db.awaitIndexes(60)").consume()
        except ServiceUnavailable as e:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unreachable: {e}") from e

    def read(self, name: str, **params: Any) -> list[dict]:
        try:
            records, _, _ = self._driver.execute_query(
                self._q(name), params, routing_=RoutingControl.READ, database_=self.database)
        except ServiceUnavailable as e:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unreachable: {e}") from e
        return [{k: _to_python(v) for k, v in r.items()} for r in records]

    def write_unit(self, planner: Planner) -> Any:
        def work(tx: neo4j.ManagedTransaction) -> Any:
            tx.run(self._q("audit_lock")).consume()

            def reader(name: str, **params: Any) -> list[dict]:
                return [{k: _to_python(v) for k, v in r.items()} for r in tx.run(self._q(name), params)]

            plan: Plan = planner(reader)
            for st in plan.statements:
                tx.run(self._q(st.name), st.params).consume()
            return plan.result

        try:
            with self._session() as s:
                return s.execute_write(work)
        except ServiceUnavailable as e:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unreachable: {e}") from e

    def query_readonly(self, text: str, params: dict, timeout_ms: int, row_cap: int) -> ConsoleResult:
        """EXPLAIN first: the planner's query type must be read-only ('r'); then run it
        in a READ transaction with a time limit, so the database enforces both."""
        params = params or {}
        try:
            with self._session(default_access_mode=neo4j.READ_ACCESS) as s:
                summary = s.run(Query("EXPLAIN " + text), params).consume()
                if summary.query_type not in ("r", None):
                    raise PermissionDenied(
                        f"this console is read-only: the query would write (type {summary.query_type!r})")
                tx = s.begin_transaction(timeout=timeout_ms / 1000.0)
                try:
                    result = tx.run(text, params)
                    columns = list(result.keys())
                    rows, truncated = [], False
                    for record in result:
                        if len(rows) >= row_cap:
                            truncated = True
                            break
                        rows.append([_to_python(v) for v in record.values()])
                finally:
                    tx.rollback()
        except ServiceUnavailable as e:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unreachable: {e}") from e
        except ClientError as e:
            if "AccessMode" in (e.code or "") or "write" in (e.message or "").lower() and "read" in (e.message or "").lower():
                raise PermissionDenied("this console is read-only: the query would write") from e
            raise ValidationFailed([Problem("query", e.message or str(e))]) from e
        return ConsoleResult(columns, rows, truncated)

    def clear(self) -> None:
        """Delete everything in bounded transactions: one statement over ``MATCH (n)``
        holds every node in transaction memory and fails on a large graph."""
        with self._session() as s:
            while s.run("MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS n").single()["n"]:
                pass

    def close(self) -> None:
        self._driver.close()
