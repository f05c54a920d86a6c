"""The operator's access commands as a user runs them, and servers that need credentials."""

from __future__ import annotations

import getpass
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

from ..manifests import small
from .test_cli import EXE, ROOT, _free_port, _wait_http, run


def _events_of(home: Path, target: str) -> list[dict]:
    from graph_model.store.falkordb_store import FalkorDBStore
    store = FalkorDBStore(home=home)
    try:
        return store.read("audit_events_for_targets", targets=[target])
    finally:
        store.close()


def _get(url: str, token: str | None = None) -> tuple[int, object, dict]:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.headers, json.loads(e.read())


def _post_yaml(url: str, text: str, token: str) -> int:
    req = urllib.request.Request(url, data=text.encode(), method="POST",
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_token_and_password_commands(og_home, tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(small()))
    assert run(og_home, "ingest", str(path)).returncode == 0
    me = f"cli:{getpass.getuser()}"
    assert {e["actor"] for e in _events_of(og_home, "models/churn")} == {me}

    res = run(og_home, "token", "create", "--person", "ana", "--scope", "write,read", "--expires", "7",
              "--name", "ana-ci")
    assert res.returncode == 0, res.stderr
    token = res.stdout
    assert re.fullmatch(r"og_[A-Za-z0-9_-]{43}\n", token)          # the token alone on stdout
    assert "ana-ci (read,write, expires 20" in res.stderr and "only this once" in res.stderr
    listing = run(og_home, "token", "list").stdout
    line = next(ln for ln in listing.splitlines() if ln.startswith("ana-ci"))
    assert token[:11] in line and "person:ana" in line and "read,write" in line and "never used" in line
    assert "active" in line and token.strip() not in listing

    for args, code, says in [
        (["--person", "nobody", "--scope", "read"], 1, "no person 'nobody'"),
        (["--person", "ana", "--scope", "read,root"], 2, "unknown scope(s) root"),
        (["--team", "ml", "--scope", "admin"], 2, "cannot carry 'admin'"),
        (["--person", "ana", "--scope", "read", "--name", "ana-ci"], 2, "already exists"),
        (["--person", "ana", "--team", "ml", "--scope", "read"], 2, "exactly one of"),
    ]:
        bad = run(og_home, "token", "create", *args)
        assert bad.returncode == code and says in bad.stderr, (args, bad.stderr)
        assert bad.stdout == ""

    env = dict(os.environ, OWNERGRAPH_HOME=str(og_home), OWNERGRAPH_STORE="falkordb")
    pw = subprocess.run([*EXE, "password", "set", "ana"], input="a long enough secret\n", capture_output=True,
                        text=True, env=env, cwd=ROOT, timeout=120)
    assert pw.returncode == 0 and "password set for ana" in pw.stdout
    short = subprocess.run([*EXE, "password", "set", "ana"], input="short\n", capture_output=True,
                           text=True, env=env, cwd=ROOT, timeout=120)
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    events = _events_of(og_home, "ana")
    assert events[-1]["action"] == "password.set" and "argon2" not in json.dumps(events)

    assert run(og_home, "token", "revoke", "ana-ci").returncode == 0
    assert "revoked" in next(ln for ln in run(og_home, "token", "list").stdout.splitlines() if ln.startswith("ana-ci"))
    assert run(og_home, "token", "revoke", "nope").returncode == 1
    assert [e["actor"] for e in _events_of(og_home, "ana-ci")] == [me, me]
    assert run(og_home, "audit", "verify").returncode == 0


def test_serve_needs_a_credential_and_a_revoked_token_stops(og_home, tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(small()))
    assert run(og_home, "ingest", str(path)).returncode == 0
    token = run(og_home, "token", "create", "--person", "ana", "--scope", "read", "--name", "ana-r").stdout.strip()
    port = _free_port()
    env = dict(os.environ, OWNERGRAPH_HOME=str(og_home), OWNERGRAPH_STORE="falkordb")
    server = subprocess.Popen([*EXE, "serve", "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_http(f"http://127.0.0.1:{port}/healthz")
        url = f"http://127.0.0.1:{port}/api/v1/artifact?uid=models/churn"
        status, headers, _ = _get(url)
        assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
        status, _, card = _get(url, token)
        assert status == 200 and card["owner"]["id"] == "ana"
        assert "never used" not in next(ln for ln in run(og_home, "token", "list").stdout.splitlines()
                                        if ln.startswith("ana-r"))
        assert run(og_home, "token", "revoke", "ana-r").returncode == 0
        deadline = time.monotonic() + 15     # a server remembers a checked token for 5 s
        while (answer := _get(url, token))[0] == 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert answer[0] == 401 and "revoked" in answer[2]["error"]
    finally:
        server.terminate()
        server.wait(30)


def test_demo_reads_on_loopback_and_prints_an_admin_token(og_home):
    port = _free_port()
    env = dict(os.environ, OWNERGRAPH_HOME=str(og_home), OWNERGRAPH_STORE="falkordb")
    server = subprocess.Popen([*EXE, "demo", "--size", "20", "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while not any(ln.startswith("serving on") for ln in lines):
            line = server.stdout.readline()
            assert line, server.stderr.read()
            lines.append(line)
        text = "".join(lines)
        assert "anonymous reading is ON for clients on this machine (loopback) only" in text
        token = re.search(r"^\s+(og_[A-Za-z0-9_-]{43})$", text, re.M).group(1)
        base = f"http://127.0.0.1:{port}"
        _wait_http(f"{base}/healthz")
        status, _, answer = _get(f"{base}/api/v1/hotspots?limit=1")
        assert status == 200
        uid = answer["artifacts"][0]["uid"]
        change = f"artifacts:\n- {{uid: {uid}, kind: {answer['artifacts'][0]['kind']}, description: tried a write}}\n"
        assert _post_yaml(f"{base}/api/v1/manifest", change, "og_" + "x" * 43) == 401
        assert _post_yaml(f"{base}/api/v1/manifest", change, token) == 200
        assert _get(f"{base}/api/v1/artifact?uid={uid}")[2]["description"] == "tried a write"
    finally:
        server.terminate()
        server.wait(30)


def test_audit_checkpoint_and_verify_against_it(og_home, tmp_path):
    from graph_model.store.falkordb_store import FalkorDBStore
    from tests.conftest import raw_write
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(small()))
    assert run(og_home, "ingest", str(path)).returncode == 0
    res = run(og_home, "audit", "checkpoint")
    cp = json.loads(res.stdout)
    assert res.returncode == 0 and cp["seq"] > 1 and len(cp["hash"]) == 64
    cp_file = tmp_path / "cp.json"
    cp_file.write_text(res.stdout)
    ok = run(og_home, "audit", "verify", "--checkpoint", str(cp_file))
    assert ok.returncode == 0 and f"extending the checkpoint at event {cp['seq']}" in ok.stdout
    store = FalkorDBStore(home=og_home)
    try:   # cut the tail and move the head back: the chain alone still verifies
        before = store.read("audit_events_page", after=cp["seq"] - 2, limit=1)[0]
        raw_write(store, "MATCH (e:AuditEvent {seq: $seq}) DELETE e", {"seq": cp["seq"]})
        raw_write(store, "MATCH (h:AuditHead {id: 'audit'}) SET h.seq = $seq, h.hash = $hash",
                  {"seq": before["seq"], "hash": before["hash"]})
    finally:
        store.close()
    assert run(og_home, "audit", "verify").returncode == 0
    bad = run(og_home, "audit", "verify", "--checkpoint", str(cp_file))
    assert bad.returncode == 1 and "tail was removed" in bad.stderr
    cp_file.write_text("{}")
    assert run(og_home, "audit", "verify", "--checkpoint", str(cp_file)).returncode == 2
    assert run(og_home, "audit", "verify", "--checkpoint", str(tmp_path / "none.json")).returncode == 2
