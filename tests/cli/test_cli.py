"""The ``ownergraph`` command as a user runs it: real processes, files and servers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import yaml

from graph_model.demo import build_demo, demo_facts
from graph_model.store.embedded import process_alive as _alive

from ..manifests import small

EXE = [sys.executable, "-c", "from app.cli import main; main()"]
ROOT = Path(__file__).resolve().parents[2]


def run(home: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, OWNERGRAPH_HOME=str(home), OWNERGRAPH_STORE="falkordb")
    return subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return json.loads(r.read())
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def _serve(home: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, OWNERGRAPH_HOME=str(home), OWNERGRAPH_STORE="falkordb")
    return subprocess.Popen([*EXE, "serve", "--port", str(port), "--anonymous-read"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_ingest_show_verify(og_home, tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(small()))
    first = run(og_home, "ingest", str(path))
    assert first.returncode == 0, first.stderr
    assert "artifact.create" in first.stdout
    again = run(og_home, "ingest", str(path))
    assert again.returncode == 0 and again.stdout.strip() == "no changes"
    shown = run(og_home, "show", "models/churn", "--json")
    card = json.loads(shown.stdout)
    assert card["owner"]["id"] == "ana" and card["team"]["id"] == "ml"
    text = run(og_home, "show", "models/churn").stdout
    assert "Ana Silva <ana>" in text and "escalation 1. Bo Chen <bo>" in text
    missing = run(og_home, "show", "models/nope")
    assert missing.returncode == 1 and missing.stderr.strip() == "error: unknown artifact 'models/nope'"
    verify = run(og_home, "audit", "verify")
    assert verify.returncode == 0 and f"{first.stdout.split()[0]} events" in verify.stdout
    # the server stopped with the last process using it
    assert not (og_home / "falkordb.pid").exists()


def test_bad_manifest_exits_2_and_lists_problems(og_home, tmp_path):
    data = small()
    data["artifacts"][0]["owner"] = "ghost"
    data["artifacts"][2]["versions"][0]["derived_from"][0]["uid"] = "datasets/x@9"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    res = run(og_home, "ingest", str(path))
    assert res.returncode == 2
    assert "artifacts[0].owner: unknown person 'ghost'" in res.stderr
    assert "artifacts[2].versions[0].derived_from[0]: unknown version 'datasets/x@9'" in res.stderr
    assert "nothing was written" in res.stderr
    assert run(og_home, "show", "raw/events").returncode == 1
    res = run(og_home, "ingest", str(tmp_path / "missing.yaml"))
    assert res.returncode == 2 and "cannot read" in res.stderr


def admin_token(home: Path, tmp_path: Path) -> str:
    """The operator's bootstrap: a person, then an admin token for them (printed alone)."""
    people = tmp_path / "root.yaml"
    people.write_text(yaml.safe_dump({"people": [{"id": "root", "name": "Root Admin"}]}))
    assert run(home, "ingest", str(people)).returncode == 0
    res = run(home, "token", "create", "--person", "root", "--scope", "write,admin")
    assert res.returncode == 0, res.stderr
    return res.stdout.strip()


def test_acknowledged_write_survives_kill_9_of_both(og_home, tmp_path):
    token = admin_token(og_home, tmp_path)
    port = _free_port()
    server = _serve(og_home, port)
    try:
        assert _wait_http(f"http://127.0.0.1:{port}/healthz")["status"] == "ok"
        # a large unit (thousands of statements in one MULTI block) followed by a small one:
        # replaying a large block while a client talks to the server once aborted it
        for data in (build_demo(size=300), small()):
            req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/manifest",
                                         data=json.dumps(data).encode(), method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(req, timeout=60) as r:
                assert json.loads(r.read())["changed"] is True
        db_pid = int((og_home / "falkordb.pid").read_text())
        os.kill(db_pid, signal.SIGKILL)
        server.kill()
        server.wait(10)
        deadline = time.monotonic() + 10
        while _alive(db_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(db_pid)
    finally:
        if server.poll() is None:
            server.kill()
    # stale pid file, socket and lease are left behind; the next start recovers them
    assert (og_home / "falkordb.pid").exists() and (og_home / "falkordb.sock").exists()
    res = run(og_home, "show", "models/churn", "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["owner"]["id"] == "ana"
    facts = demo_facts(size=300)
    res = run(og_home, "show", facts.failing_deployment, "--json")
    assert res.returncode == 0 and json.loads(res.stdout)["uid"] == facts.failing_deployment
    assert run(og_home, "audit", "verify").returncode == 0


def test_processes_share_one_server_and_the_last_stops_it(og_home, tmp_path):
    port = _free_port()
    server = _serve(og_home, port)
    try:
        _wait_http(f"http://127.0.0.1:{port}/healthz")
        db_pid = int((og_home / "falkordb.pid").read_text())
        path = tmp_path / "c.yaml"
        path.write_text(yaml.safe_dump(small()))
        assert run(og_home, "ingest", str(path)).returncode == 0
        # the short-lived process used the same server and left it running for `serve`
        assert int((og_home / "falkordb.pid").read_text()) == db_pid and _alive(db_pid)
        card = _wait_http(f"http://127.0.0.1:{port}/api/v1/artifact?uid=models/churn")
        assert card["owner"]["id"] == "ana"
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        deadline = time.monotonic() + 15
        while _alive(db_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(db_pid)
        assert not (og_home / "falkordb.sock").exists()
    finally:
        if server.poll() is None:
            server.kill()


def test_incident_and_impact_commands(og_home, tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(small()))
    assert run(og_home, "ingest", str(path)).returncode == 0
    res = run(og_home, "incident", "deploy/churn-api", "--json")
    assert res.returncode == 0, res.stderr
    answer = json.loads(res.stdout)
    assert answer["page"][0]["person"]["id"] == "bo"
    assert [u["uid"] for u in answer["upstream"]] == ["models/churn", "features/user", "raw/events"]
    text = run(og_home, "incident", "deploy/churn-api").stdout
    assert "PAGE, in order:" in text and "1. Bo Chen" in text
    bad = run(og_home, "incident", "deploy/churn-api", "--depth", "99")
    assert bad.returncode == 2 and "depth" in bad.stderr
    bad = run(og_home, "incident", "deploy/churn-api", "--as-of", "last tuesday")
    assert bad.returncode == 2 and "as-of" in bad.stderr
    assert run(og_home, "incident", "deploy/none").returncode == 1
    res = run(og_home, "impact", "raw/events", "--json")
    assert json.loads(res.stdout)["counts"]["total"] == 3


def test_the_same_commands_against_neo4j_with_flags(neo4j_settings, tmp_path):
    from graph_model.store.neo4j_store import Neo4jStore

    def wipe():
        with Neo4jStore(neo4j_settings["uri"], neo4j_settings["user"], neo4j_settings["password"]) as s:
            s.clear()

    wipe()
    flags = ["--store", "neo4j", "--neo4j-uri", neo4j_settings["uri"], "--neo4j-user", neo4j_settings["user"],
             "--neo4j-password", neo4j_settings["password"]]
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(small()))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "OWNERGRAPH_"))}

    def og(*args):
        return subprocess.run([*EXE, *flags, *args], capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)

    first = og("ingest", str(path))
    assert first.returncode == 0, first.stderr
    assert og("ingest", str(path)).stdout.strip() == "no changes"
    assert json.loads(og("show", "models/churn", "--json").stdout)["owner"]["id"] == "ana"
    assert og("audit", "verify").returncode == 0
    bad = subprocess.run([*EXE, "--store", "neo4j", "--neo4j-uri", "bolt://127.0.0.1:9", "show", "a/b"],
                         capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert bad.returncode == 3 and "unreachable" in bad.stderr
    wipe()


def test_serve_on_neo4j_renders_the_incident_pages_in_the_background_unless_told_not_to(neo4j_settings, tmp_path):
    from graph_model.store.neo4j_store import Neo4jStore
    with Neo4jStore(neo4j_settings["uri"], neo4j_settings["user"], neo4j_settings["password"]) as s:
        s.clear()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "OWNERGRAPH_"))}
    env.update(OWNERGRAPH_STORE="neo4j", NEO4J_URI=neo4j_settings["uri"], NEO4J_USER=neo4j_settings["user"],
               NEO4J_PASSWORD=neo4j_settings["password"])
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(small()))
    assert subprocess.run([*EXE, "ingest", str(path)], env=env, cwd=ROOT, capture_output=True,
                          timeout=120).returncode == 0

    def serve(*flags: str) -> str:
        """Serve until the warm-up has said it is done (or a page answered, with it off);
        the server's stderr."""
        port = _free_port()
        proc = subprocess.Popen([*EXE, "serve", "--port", str(port), "--anonymous-read", *flags], env=env,
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        said: list[str] = []
        reader = threading.Thread(target=lambda: said.extend(iter(proc.stderr.readline, "")), daemon=True)
        reader.start()
        try:
            _wait_http(f"http://127.0.0.1:{port}/healthz")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/incident/models/churn", timeout=60) as r:
                assert r.status == 200
            deadline = time.monotonic() + 60
            while not flags and not any("warm-up: planned" in line for line in said):
                assert time.monotonic() < deadline, "no warm-up finished within 60 s"
                time.sleep(0.2)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
            reader.join(10)
        return "".join(said)

    warmed = serve()
    # small(): one deployment and one model: their incident, artifact and impact pages, and 3 others
    assert "warm-up: planned 9 pages in" in warmed and "(0 failed)" in warmed, warmed
    assert "warm-up" not in serve("--no-warm-up")


def test_schema_lands_in_the_snapshot_not_only_the_log(og_home):
    """Indexes that live only in the append-only log are unusable while it replays,
    which made restarts after a crash scan (a minute at 2k artifacts): the schema set-up
    rewrites the log into a snapshot that carries them."""
    from graph_model.store.falkordb_store import FalkorDBStore
    store = FalkorDBStore(home=og_home)
    try:
        store.ensure_schema()
        info = store._conn.info("persistence")
        assert info["aof_rewrites"] >= 1 and info["aof_rewrite_in_progress"] == 0
        base = [p for p in (og_home / "data" / "appendonlydir").iterdir() if p.name.endswith(".base.rdb")]
        assert base and base[0].stat().st_size > 500  # an empty snapshot is ~120 bytes
    finally:
        store.close()
