"""A writer killed with SIGKILL at any point leaves its unit whole or absent.

A child process runs one large ingest (a 600-artifact demo chunk: one unit of about
10k nodes and edges and 5k audit events) and is killed before it has planned, as its
plan is made, while it is sent and while the engine applies it. After each kill the store settles (the
next write waits for an unfinished one), and then the audit chain verifies, the graph
agrees with the log (the state check), and the counts are those before the unit or
those after it, nothing in between. Bounded: five children, each killed within
seconds, on loopback or a unix socket.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph_model.ingest import manifest, parse
from graph_model.services import audit, audit_state
from graph_model.store import queries

from ..conftest import ROOT, raw_write
from .kill_child import CHILD_NAME
from ..helpers import counts
from ..manifests import small

BOTH = pytest.mark.parametrize("store", ["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)],
                               indirect=True)
SIZE = 600
# (phase line to wait for, seconds after it before SIGKILL); None: let it finish
KILL_POINTS = [("ready", 0.2), ("planned", 0.0), ("planned", 0.6), ("planned", 1.5), (None, 0)]


def _child_config(store, request) -> dict:
    if store.backend == "falkordb":
        return {"backend": "falkordb", "socket": request.getfixturevalue("falkordb_socket"),
                "graph": store.graph_name, "size": SIZE}
    settings = request.getfixturevalue("neo4j_settings")
    return {"backend": "neo4j", "uri": settings["uri"], "user": settings["user"],
            "password": settings["password"], "size": SIZE}


def _settle(store) -> None:
    """Wait for an unfinished unit of a dead writer to end (applied or rolled back)."""
    if store.backend == "falkordb":
        # the server may still be reading the dead writer's query from its socket: wait
        # for its connection to go (then its query has run or is queued), then queue a
        # write behind it (FalkorDB runs one write at a time)
        deadline = time.monotonic() + 60
        while any(c.get("name") == CHILD_NAME for c in store._conn.client_list()):
            assert time.monotonic() < deadline, "the killed writer's connection never closed"
            time.sleep(0.05)
        raw_write(store, "MATCH (n:NoSuchLabel) SET n.x = 1")
    else:
        with store._driver.session() as s:
            tx = s.begin_transaction(timeout=60)
            tx.run(queries.get("audit_lock")).consume()  # waits for a dead writer's lock
            tx.rollback()


def _run_child(cfg: dict, phase: str | None, delay: float) -> str:
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("kill_child.py")), json.dumps(cfg)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        if phase is None:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0 and "done" in out, err
            return "finished"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, f"child ended before {phase!r}: {proc.stderr.read()}"
            if line.strip() == phase:
                break
        time.sleep(delay)
        proc.kill()
        return "killed"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()


def _reset(store) -> None:
    store.clear()
    store.ensure_schema()
    manifest.ingest(store, parse.validate(small()), actor="tester")


@BOTH
def test_a_killed_writer_leaves_its_unit_whole_or_absent(store, request):
    cfg = _child_config(store, request)
    outcomes = []
    states = {}
    for phase, delay in KILL_POINTS:
        _reset(store)
        before = (counts(store), store.read("audit_head")[0]["seq"])
        _run_child(cfg, phase, delay)
        _settle(store)
        n = audit.verify(store)
        assert audit_state.check_state(store) == [], (phase, delay)
        now = (counts(store), n)
        if phase is None:
            assert n > before[1] + 3000
            states["after"] = now
        outcomes.append((phase, delay, "before" if now == before else now))
    print("kill outcomes:", [(p, d, o if isinstance(o, str) else "after") for p, d, o in outcomes])
    after = states["after"]
    for phase, delay, outcome in outcomes[:-1]:
        assert outcome == "before" or outcome == after, (phase, delay, outcome)
