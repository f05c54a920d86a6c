"""The embedded engine's console replica (``store/console_engine``): console queries run
on a process of their own that follows the main engine, and the engines are reachable
only with the data directory's secret. Real engines, real processes, loopback only."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import redis

from graph_model.errors import ConsoleEngineUnavailable, StoreUnavailable
from graph_model.ingest import manifest, parse
from graph_model.store.embedded import process_alive
from graph_model.store.falkordb_store import FalkorDBStore


@pytest.fixture()
def home(monkeypatch):
    monkeypatch.delenv("OWNERGRAPH_CONSOLE_ENGINE", raising=False)
    path = Path(tempfile.mkdtemp(prefix="og-ce-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture()
def kept(home):
    """An open store holding one artifact, seen once through the console (replica up)."""
    store = FalkorDBStore(home=home)
    try:
        store.ensure_schema()
        _artifact(store, "x/kept")
        assert _count(store) == 1
        yield store
    finally:
        store.close()


def _artifact(store, uid: str) -> None:
    manifest.ingest(store, parse.validate({
        "people": [{"id": "p.a", "name": "A"}],
        "artifacts": [{"uid": uid, "kind": "model", "owner": "p.a"}]}), actor="tester")


def _count(store) -> int:
    return store.query_readonly("MATCH (a:Artifact) RETURN count(a) AS n", {}, 5000, 10).rows[0][0]


def test_console_queries_run_on_a_replica_that_follows_every_write(home):
    store = FalkorDBStore(home=home)
    try:
        store.ensure_schema()
        _artifact(store, "x/one")
        assert _count(store) == 1
        console_pid = int((home / "console.pid").read_text())
        assert console_pid != int((home / "falkordb.pid").read_text())
        # read-your-writes: every write is on the replica for the very next console
        # query, without polling (before the query waited for it, a write right before a
        # query was sometimes missing)
        for i in range(2, 62):
            _artifact(store, f"x/n{i}")
            assert _count(store) == i
        assert int((home / "console.pid").read_text()) == console_pid
        # the replica refuses writes of its own, whatever the console's checks let through
        conn = redis.Redis(unix_socket_path=str(home / "console.sock"), password=(home / "engine.secret").read_text())
        with pytest.raises(redis.ReadOnlyError):
            conn.execute_command("GRAPH.QUERY", "ownergraph", "CREATE (:Sneaked)")
        conn.close()
    finally:
        store.close()
    # the last lease's close stops both engines
    assert not process_alive(console_pid)
    assert not (home / "console.sock").exists() and not (home / "falkordb.port").exists()


def test_both_engines_run_with_ownergraphs_matrix_settings(kept, home):
    """The node-slot setting that makes the engine's crash under overlapping reads 64x
    rarer, and the pending-change limit that keeps lineage writes from slowing down
    (``embedded.engine_settings``), reach the engine and its replica."""
    from graph_model.store import embedded
    secret = (home / "engine.secret").read_text()
    for sock in ("falkordb.sock", "console.sock"):
        conn = redis.Redis(unix_socket_path=str(home / sock), password=secret)
        assert conn.execute_command("GRAPH.CONFIG", "GET", "NODE_CREATION_BUFFER") == [
            b"NODE_CREATION_BUFFER", embedded.NODE_SLOTS], sock
        assert conn.execute_command("GRAPH.CONFIG", "GET", "DELTA_MAX_PENDING_CHANGES") == [
            b"DELTA_MAX_PENDING_CHANGES", embedded.PENDING_CHANGES], sock
        conn.close()


def test_the_engines_need_the_secret_which_is_kept_out_of_sight(home):
    store = FalkorDBStore(home=home)
    try:
        store.ensure_schema()
        _count(store)
        secret = (home / "engine.secret").read_text()
        assert len(secret) == 64
        for name in ("engine.secret", "engine.conf"):
            assert (home / name).stat().st_mode & 0o077 == 0, name
        for pid_file in ("falkordb.pid", "console.pid"):   # never on a command line other users can read
            cmdline = Path(f"/proc/{(home / pid_file).read_text().strip()}/cmdline").read_bytes()
            assert secret.encode() not in cmdline
        port = int((home / "falkordb.port").read_text())
        for where in (("127.0.0.1", port), str(home / "falkordb.sock"), str(home / "console.sock")):
            assert _raw(where, b"*1\r\n$4\r\nPING\r\n").startswith(b"-NOAUTH"), where
            assert _raw(where, b"*2\r\n$4\r\nAUTH\r\n$5\r\nwrong\r\n").startswith(b"-WRONGPASS"), where
        assert redis.Redis(host="127.0.0.1", port=port, password=secret).ping()
    finally:
        store.close()


_SECOND = """
import sys
from graph_model.store.falkordb_store import FalkorDBStore
store = FalkorDBStore(home=sys.argv[1])
rows = store.query_readonly("MATCH (a:Artifact) RETURN count(a) AS n", {}, 5000, 10).rows
print(rows[0][0])
store.close()
"""


def _raw(where, command: bytes) -> bytes:
    """One command on a fresh connection, no client library (and so no retries)."""
    import socket
    if isinstance(where, tuple):
        sock = socket.create_connection(where, timeout=5)
    else:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(5)
        sock.connect(where)
    with sock:
        sock.sendall(command)
        return sock.recv(256)


def test_a_second_process_shares_both_engines(home, kept):
    import subprocess
    import sys
    pids = [(home / n).read_text() for n in ("falkordb.pid", "console.pid")]
    out = subprocess.run([sys.executable, "-c", _SECOND, str(home)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"
    # the other process's lease is gone, ours holds both engines: the same processes answer
    assert [(home / n).read_text() for n in ("falkordb.pid", "console.pid")] == pids
    assert _count(kept) == 1


def test_a_replica_killed_between_queries_is_started_again_and_the_pages_never_notice(home, kept):
    main_pid = int((home / "falkordb.pid").read_text())
    os.kill(int((home / "console.pid").read_text()), 9)
    assert kept.read("artifacts_by_uids", uids=["x/kept"])[0]["uid"] == "x/kept"
    assert _count(kept) == 1
    assert int((home / "falkordb.pid").read_text()) == main_pid


def test_shared_mode_has_no_replica_and_no_port(home, monkeypatch):
    monkeypatch.setenv("OWNERGRAPH_CONSOLE_ENGINE", "shared")
    store = FalkorDBStore(home=home)
    try:
        store.ensure_schema()
        _artifact(store, "x/one")
        assert _count(store) == 1
        assert not (home / "console.pid").exists() and not (home / "falkordb.port").exists()
    finally:
        store.close()


def test_a_console_engine_setting_that_is_neither_is_refused_by_name(home, monkeypatch):
    monkeypatch.setenv("OWNERGRAPH_CONSOLE_ENGINE", "separate")
    with pytest.raises(StoreUnavailable) as e:
        FalkorDBStore(home=home)
    assert "OWNERGRAPH_CONSOLE_ENGINE='separate'" in str(e.value)


def test_a_main_engine_without_a_replication_port_says_how_to_get_one(home, monkeypatch):
    """A server started with ``shared`` (or by an older version) and a process that wants
    the replica: the console says what to do, and the store is not marked down."""
    monkeypatch.setenv("OWNERGRAPH_CONSOLE_ENGINE", "shared")
    first = FalkorDBStore(home=home)
    try:
        first.ensure_schema()
        monkeypatch.setenv("OWNERGRAPH_CONSOLE_ENGINE", "replica")
        second = FalkorDBStore(home=home)
        try:
            with pytest.raises(ConsoleEngineUnavailable) as e:
                second.query_readonly("RETURN 1 AS one", {}, 5000, 10)
            assert "no replication port" in str(e.value)
            assert second.read("audit_head")[0]["seq"] == 0
        finally:
            second.close()
    finally:
        first.close()


def test_a_replication_port_taken_before_the_engine_binds_it_is_chosen_again(home, monkeypatch):
    """The free port is picked a moment before the engine binds it; another process may
    take it in between. The engine then exits at start, and another port is tried."""
    import socket
    from graph_model.store import embedded
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    ports = iter([taken.getsockname()[1]])
    real = embedded.free_port
    monkeypatch.setattr(embedded, "free_port", lambda: next(ports, None) or real())
    try:
        store = FalkorDBStore(home=home)
        try:
            store.ensure_schema()
            assert int((home / "falkordb.port").read_text()) != taken.getsockname()[1]
            assert b"Address already in use" in (home / "falkordb.log").read_bytes()
            assert _count(store) == 0
        finally:
            store.close()
    finally:
        taken.close()


def test_waiting_for_a_starting_replica_is_part_of_the_console_time_limit(home, kept):
    """At 100k artifacts a new replica takes 14-17 s to copy the graph; a console query
    does not wait past its own limit for it (it answered after 28.9 s in the load suite
    before), it is a 503 to retry, and the copy goes on for the next query."""
    os.kill(int((home / "console.pid").read_text()), 9)
    with pytest.raises(ConsoleEngineUnavailable) as e:
        kept.query_readonly("RETURN 1 AS one", {}, 1, 10)   # no replica starts and copies in 1 ms
    assert "still" in str(e.value)
    assert _count(kept) == 1
