"""Fixtures shared by every test layer: real stores on both backends, an app, a CLI runner.

The Neo4j server comes from ``NEO4J_URI`` when set, else testcontainers when Docker
answers, else ``tools/neo4j-local``. With ``OWNERGRAPH_REQUIRE_NEO4J=1`` (CI) a missing
Neo4j is an error; elsewhere the Neo4j half of the suite skips with one reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from graph_model.store.embedded import EmbeddedServer
from graph_model.store.falkordb_store import FalkorDBStore

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ["falkordb", "neo4j"]

# One password pepper for the run, shared by in-process apps and the processes tests
# start (app/access/pepper.py); tests of the key file itself unset it.
os.environ.setdefault("OWNERGRAPH_SECRET_KEY", uuid.uuid4().hex + uuid.uuid4().hex)


@pytest.fixture(scope="session")
def falkordb_socket():
    home = Path(tempfile.mkdtemp(prefix="og-fk-"))
    server = EmbeddedServer(home)
    sock = server.acquire()
    yield str(sock)
    server.release()
    shutil.rmtree(home, ignore_errors=True)


def _docker_neo4j():
    try:
        import docker  # installed with testcontainers
        docker.from_env().ping()
        try:
            from testcontainers.community.neo4j import Neo4jContainer
        except ImportError:
            from testcontainers.neo4j import Neo4jContainer
    except Exception:
        return None
    container = Neo4jContainer("neo4j:5.26-community")
    container.start()
    return container


def _local_neo4j() -> dict | None:
    start = ROOT / "tools" / "neo4j-local" / "start"
    if not start.exists() or not shutil.which("java") or not shutil.which("mvn"):
        return None
    proc = subprocess.run(["bash", str(start)], capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        return None
    env = {}
    for line in proc.stdout.splitlines():
        if "=" in line and line.split("=", 1)[0].startswith("NEO4J_"):
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip()
    return env if env.get("NEO4J_URI") else None


@pytest.fixture(scope="session")
def neo4j_settings():
    required = os.environ.get("OWNERGRAPH_REQUIRE_NEO4J") == "1"
    if os.environ.get("NEO4J_URI"):
        yield {"uri": os.environ["NEO4J_URI"], "user": os.environ.get("NEO4J_USER", "neo4j"),
               "password": os.environ.get("NEO4J_PASSWORD", "")}
        return
    container = _docker_neo4j()
    if container is not None:
        yield {"uri": container.get_connection_url(), "user": container.username,
               "password": container.password}
        container.stop()
        return
    env = _local_neo4j()
    if env:
        yield {"uri": env["NEO4J_URI"], "user": env.get("NEO4J_USER", "neo4j"),
               "password": env.get("NEO4J_PASSWORD", "")}
        return
    message = "no Neo4j: set NEO4J_URI, run Docker, or make tools/neo4j-local work (Java 17 + Maven)"
    if required:
        pytest.fail(message)
    pytest.skip(message)


def _neo4j_store(settings):
    from graph_model.store.neo4j_store import Neo4jStore
    store = Neo4jStore(settings["uri"], settings["user"], settings["password"])
    store.ping()
    return store


def _clean_store(request, backend: str):
    if backend == "falkordb":
        sock = request.getfixturevalue("falkordb_socket")
        s = FalkorDBStore(socket_path=sock, graph=f"t_{uuid.uuid4().hex[:12]}")
    else:
        s = _neo4j_store(request.getfixturevalue("neo4j_settings"))
        s.clear()
    s.ensure_schema()
    return s


@pytest.fixture(params=BACKENDS)
def store(request):
    """A clean, schema-ready store of each backend (the contract suite's one fixture)."""
    s = _clean_store(request, request.param)
    yield s
    s.clear()
    s.close()


@pytest.fixture(scope="module", params=BACKENDS)
def module_store(request):
    """One clean store of each backend shared by a module's read-only tests (for costly
    loads such as the demo organisation). A module uses either this or ``store``, not
    both: on Neo4j both are the one database."""
    s = _clean_store(request, request.param)
    yield s
    s.clear()
    s.close()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test that needs a Neo4j server, so ``-m 'not neo4j'`` runs the rest
    without Java: the Neo4j half of each backend-parametrised test, and any test that
    asks for the server's settings directly.

    Then give each test its group for the parallel run (``--dist loadgroup``): every
    Neo4j test in one group, because they share the one database a community server has
    (each clears it) and the fault tests' server port; every other test with the rest
    of its module, so a module's costly fixtures (a loaded demo, a bench run) are built
    once, by one worker. Runs before pytest-xdist reads the groups (``tryfirst``)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec else {}
        if (params.get("store") == "neo4j" or params.get("module_store") == "neo4j"
                or "neo4j_settings" in getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.neo4j)
        if item.get_closest_marker("xdist_group") is None:
            group = "neo4j" if item.get_closest_marker("neo4j") else item.nodeid.split("::", 1)[0]
            item.add_marker(pytest.mark.xdist_group(group))


def pytest_xdist_auto_num_workers(config):
    """``-n auto`` on this suite: one worker per core, at most four. The Neo4j tests (over
    a third of the suite's time) are one group on one worker, so the run gets no shorter
    past that; each further worker only starts one more embedded engine and browser."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(4, cores))


def raw_write(store, text: str, params: dict | None = None) -> None:
    """Write around the write path (only to simulate tampering in tests)."""
    if store.backend == "falkordb":
        from graph_model.store.falkordb_store import params_header
        store._graph.query(params_header(params or {}) + text)
    else:
        store._driver.execute_query(text, params or {})


@pytest.fixture
def app(store):
    """The app over ``store`` with anonymous reading on (writes still need a token)."""
    from app import create_app
    return create_app({"TESTING": True, "OWNERGRAPH_STORE_OBJECT": store, "OWNERGRAPH_ANONYMOUS_READ": True})


@pytest.fixture
def client(app):
    return app.test_client()


def issue_token(store, person: str, scopes: list[str], **kw) -> str:
    """A real token through the operator's path (the person must exist)."""
    from app.access import tokens
    return tokens.create(store, person=person, team=kw.pop("team", None), scopes=scopes,
                         actor="test", **kw).token


def admin_token(store) -> str:
    """An admin token of person ``root`` (created for it)."""
    from graph_model.ingest import manifest, parse
    manifest.ingest(store, parse.validate({"people": [{"id": "root", "name": "Root Admin"}]}), actor="test")
    return issue_token(store, "root", ["read", "write", "admin"])


@pytest.fixture
def admin_client(app, store):
    """A client sending an admin token of person ``root`` (created for it)."""
    c = app.test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + admin_token(store)
    return c


@pytest.fixture
def og_home():
    """A short data directory for CLI process tests (unix socket paths are limited)."""
    home = Path(tempfile.mkdtemp(prefix="og-"))
    yield home
    pidfile = home / "falkordb.pid"
    if pidfile.exists():
        try:
            os.kill(int(pidfile.read_text()), 9)
        except (ValueError, OSError):
            pass
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def mlflow_base():
    """A real MLflow sqlite store built once per session (its migrations take ~13 s):
    (path of the database file, the ids in it). Tests copy it (``mlflow_db``)."""
    from .mlflow_source import build
    home = Path(tempfile.mkdtemp(prefix="og-mlflow-"))
    db = home / "mlflow.db"
    ids = build(db)
    yield db, ids
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def mlflow_db(mlflow_base, tmp_path):
    """A copy of the session's MLflow store that a test may change: (path, ids)."""
    db, ids = mlflow_base
    copy = tmp_path / "mlflow.db"
    shutil.copyfile(db, copy)
    return copy, dict(ids)
