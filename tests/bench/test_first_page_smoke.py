"""The first-page benchmark (``bench.first_page``) runs end to end on the embedded engine
at a tiny size, as a process, as a user runs it.

No timing thresholds: what must hold is that every page of every round was asked and
timed (positive times), the two artifacts are a deployment and a model other than those
the warm-up renders, and the table has its row. Bounded: a 200-artifact store, two
rounds, six requests each, on loopback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app import warmup
from graph_model.store import StoreConfig
from graph_model.store.factory import open_store

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from app.cli import main; main()"]


def test_every_page_of_every_round_is_timed(og_home, tmp_path):
    env_store = ["--store", "falkordb", "--home", str(og_home)]
    loaded = subprocess.run([*CLI, *env_store, "demo", "--size", "200", "--no-serve"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stderr
    out = tmp_path / "first.json"
    run = subprocess.run([sys.executable, "-m", "bench.first_page", "--backend", "falkordb", "--home", str(og_home),
                          "--rounds", "2", "--json", str(out)], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    rounds = json.loads(out.read_text())["rounds"]
    assert [r["mode"] for r in rounds] == ["off", "off"]
    with open_store(StoreConfig(backend="falkordb", home=og_home)) as store:
        warmed = {r["uid"] for k in warmup.KINDS for r in store.read("warmup_artifacts", kind=k, limit=warmup.PER_KIND)}
        kinds = {}
        for r in rounds:
            assert len(r["pages"]) == 6 and all(ms > 0 for ms in r["pages"].values())
            for key in r["pages"]:
                page, uid = key.split(" ", 1)
                assert page in ("incident", "artifact", "impact") and uid not in warmed
                kinds[uid] = store.read("artifacts_by_uids", uids=[uid])[0]["kind"]
    assert set(kinds.values()) == {"deployment", "model"}
    assert "| off | " in run.stdout and "embedded FalkorDB" in run.stdout
