"""Store errors are classified by the driver's exception types and codes."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

from graph_model.store.embedded import EmbeddedServer

from graph_model.errors import PermissionDenied, StoreUnavailable
from graph_model.store.base import Plan, Statement
from graph_model.store.falkordb_store import FalkorDBStore
from graph_model.store.neo4j_store import Neo4jStore


def _calls(store):
    yield store.clear
    yield lambda: store.read("audit_head")
    yield lambda: store.write_unit(lambda r: Plan([Statement("set_audit_head", {"seq": 1, "hash": "x"})]))


def test_an_engine_gone_is_store_unavailable_on_falkordb():
    home = Path(tempfile.mkdtemp(prefix="og-gone-"))
    server = EmbeddedServer(home)
    try:
        store = FalkorDBStore(socket_path=str(server.acquire()), graph="g")
        store.ensure_schema()
        os.kill(server.pid(), signal.SIGKILL)
        for call in _calls(store):
            with pytest.raises(StoreUnavailable):
                call()
    finally:
        server.release()
        shutil.rmtree(home, ignore_errors=True)


def test_an_unreachable_neo4j_is_store_unavailable_also_in_clear():
    """With the retry budget the server's own store is opened with (``factory``), not the
    driver's 30 s default: what is tested is the error, not how long the driver retries."""
    from graph_model.store.factory import NEO4J_CONNECT_SECONDS, NEO4J_RETRY_SECONDS
    with Neo4jStore("bolt://127.0.0.1:9", max_transaction_retry_time=NEO4J_RETRY_SECONDS,
                    connection_timeout=NEO4J_CONNECT_SECONDS) as store:
        for call in list(_calls(store))[:2]:
            with pytest.raises(StoreUnavailable):
                call()


@pytest.mark.parametrize("store", ["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)], indirect=True)
@pytest.mark.parametrize("text", ["CREATE (:X)", "MATCH (n) SET n.x = 1", "MERGE (n:X {id: 1}) RETURN n"])
def test_a_console_write_is_permission_denied(store, text):
    with pytest.raises(PermissionDenied):
        store.query_readonly(text, {}, 5000, 10)
