"""``ownergraph audit verify --state`` and a unit the engine cannot take, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ..manifests import small

EXE = [sys.executable, "-c", "from app.cli import main; main()"]
ROOT = Path(__file__).resolve().parents[2]


def run(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, OWNERGRAPH_HOME=str(home), OWNERGRAPH_STORE="falkordb")
    return subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


def test_a_nul_in_a_name_writes_nothing_and_the_log_agrees(og_home, tmp_path):
    """The issue's reproduction: the person was refused but the artifact was created."""
    path = tmp_path / "nul.json"
    path.write_text('{"people":[{"id":"p.two","name":"P\\u0000Two"}],'
                    '"artifacts":[{"uid":"x/a","kind":"model","owner":"p.two"}]}')
    res = run(og_home, "ingest", str(path))
    assert res.returncode == 2 and "nothing was written" in res.stderr
    assert "people[0].name: text contains U+0000" in res.stderr
    assert run(og_home, "show", "x/a").returncode == 1
    ok = run(og_home, "audit", "verify", "--state")
    assert ok.returncode == 0 and "graph agrees with the audit log" in ok.stdout


def test_state_check_reports_a_write_around_the_write_path(og_home, tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(small()))
    assert run(og_home, "ingest", str(path)).returncode == 0
    ok = run(og_home, "audit", "verify", "--state")
    assert ok.returncode == 0 and "graph agrees with the audit log" in ok.stdout
    from graph_model.store.falkordb_store import FalkorDBStore
    with FalkorDBStore(home=og_home) as store:
        store._graph.query("MATCH (p:Person {id: 'cy'}), (a:Artifact {uid: 'models/churn'}) "
                           "CREATE (p)-[:OWNS {role: 'primary', since: 1}]->(a)")
    plain = run(og_home, "audit", "verify")
    assert plain.returncode == 0  # the chain itself is intact
    bad = run(og_home, "audit", "verify", "--state")
    assert bad.returncode == 1
    assert ("artifact models/churn: OWNS from person cy (role 'primary', since 1): in the graph, "
            "recorded by no event") in bad.stderr
