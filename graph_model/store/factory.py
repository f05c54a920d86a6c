"""Chooses and opens a backend from explicit settings or the environment.

The store never reads Flask's config: the CLI, the app and the benchmarks all build a
``StoreConfig`` and call ``open_store``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import StoreUnavailable
from .base import GraphStore

BACKENDS = ("falkordb", "neo4j")

#: How long the Neo4j driver keeps retrying a transaction when the server does not
#: answer. Its default (30 s) made every request wait 34 s before failing when Neo4j
#: was stopped (measured); a leader change in a cluster takes a few seconds, so 5 s
#: keeps those retried while a stopped server is reported within about 4 s.
NEO4J_RETRY_SECONDS = 5.0
#: Time to open a TCP connection to Neo4j (default 30 s): loopback or a data centre
#: answers in milliseconds; a silent network should be reported, not waited on.
NEO4J_CONNECT_SECONDS = 5.0


@dataclass
class StoreConfig:
    backend: str = "falkordb"
    home: Path = Path(".ownergraph")
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str | None = None
    graph: str = "ownergraph"

    @classmethod
    def from_env(cls, env: dict | None = None, **overrides) -> "StoreConfig":
        """Settings from ``OWNERGRAPH_*`` / ``NEO4J_*`` variables; explicit values win."""
        env = os.environ if env is None else env
        cfg = cls(
            backend=env.get("OWNERGRAPH_STORE") or "falkordb",
            home=Path(env.get("OWNERGRAPH_HOME") or ".ownergraph"),
            neo4j_uri=env.get("NEO4J_URI") or None,
            neo4j_user=env.get("NEO4J_USER") or "neo4j",
            neo4j_password=env.get("NEO4J_PASSWORD") or "",
            neo4j_database=env.get("NEO4J_DATABASE") or None,
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(cfg, key, Path(value) if key == "home" else value)
        return cfg


def open_store(config: StoreConfig, ensure_schema: bool = True) -> GraphStore:
    """Open the configured store (starting the embedded server when needed).

    Raises:
        StoreUnavailable: unknown backend, missing URI, or an engine that won't answer.
    """
    if config.backend == "falkordb":
        from .falkordb_store import FalkorDBStore
        store: GraphStore = FalkorDBStore(home=config.home, graph=config.graph)
    elif config.backend == "neo4j":
        if not config.neo4j_uri:
            raise StoreUnavailable("the neo4j store needs a URI (--neo4j-uri or NEO4J_URI)")
        from .neo4j_store import Neo4jStore
        store = Neo4jStore(config.neo4j_uri, config.neo4j_user, config.neo4j_password,
                           config.neo4j_database, max_transaction_retry_time=NEO4J_RETRY_SECONDS,
                           connection_timeout=NEO4J_CONNECT_SECONDS,
                           connection_acquisition_timeout=2 * NEO4J_CONNECT_SECONDS)
    else:
        raise StoreUnavailable(f"unknown store {config.backend!r}; choose one of {', '.join(BACKENDS)}")
    try:
        store.ping()
        if ensure_schema:
            store.ensure_schema()
    except Exception:
        store.close()
        raise
    return store


def where(config: StoreConfig) -> str:
    """Where the data is, in words, for messages ("data in ...")."""
    if config.backend == "neo4j":
        return f"Neo4j at {config.neo4j_uri}"
    return f"the embedded store in {Path(config.home).resolve()}"


def open_recovering(config: StoreConfig, store: GraphStore | None = None) -> "RecoveringStore":
    """A store for long-lived processes: fails fast while the engine is down and
    reconnects by itself (restarting the embedded server) when it can.

    Args:
        store: an already open store of ``config`` to start with; else opened on first use.
    """
    from .recovery import RecoveringStore
    return RecoveringStore(lambda: open_store(config), config.backend, store, describe=where(config))
