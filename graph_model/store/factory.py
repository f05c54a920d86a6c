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
                           config.neo4j_database)
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
