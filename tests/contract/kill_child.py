"""Child process of the kill test: one large ingest as one write unit, announcing its
phases on stdout ("ready" before planning, "planned" once the plan is made, "done")."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone

from graph_model import demo
from graph_model.ingest import manifest, parse

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
CHILD_NAME = "ownergraph-kill-child"


def main() -> None:
    cfg = json.loads(sys.argv[1])
    if cfg["backend"] == "falkordb":
        from graph_model.store.falkordb_store import FalkorDBStore
        store = FalkorDBStore(socket_path=cfg["socket"], graph=cfg["graph"])
        store._conn.client_setname(CHILD_NAME)  # the parent waits for this connection to go
    else:
        from graph_model.store.neo4j_store import Neo4jStore
        store = Neo4jStore(cfg["uri"], cfg["user"], cfg["password"])
    m = parse.validate(next(demo.iter_demo_chunks(size=cfg["size"], now=NOW, chunk_artifacts=cfg["size"])))
    write_unit = store.write_unit

    def announcing(planner, after=None):
        def plan(reader):
            p = planner(reader)
            print("planned", flush=True)
            return p
        return write_unit(plan, after=after)

    store.write_unit = announcing
    print("ready", flush=True)
    manifest.ingest(store, m, actor="child")
    print("done", flush=True)
    store.close()


if __name__ == "__main__":
    main()
