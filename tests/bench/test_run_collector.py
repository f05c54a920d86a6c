"""The Neo4j header of a bench table names the collector the server ran with, read from
the server's real command line (a process started here with such options stands in)."""

from __future__ import annotations

import subprocess
import sys

from bench.run import collector


def _process(*opts: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", *opts])


def test_the_last_collector_selected_is_the_one_named():
    p = _process("-XX:+UseParallelGC", "-XX:-UseParallelGC", "-XX:+UseG1GC")
    q = _process("-XX:+UseParallelGC", "-XX:-OmitStackTraceInFastThrow")
    r = _process("-Xmx1g")
    try:
        assert collector(p.pid) == "G1GC collector"
        assert collector(q.pid) == "ParallelGC collector"
        assert collector(r.pid) == "default collector"
        assert collector(None) == "collector ?"
    finally:
        for proc in (p, q, r):
            proc.kill()
            proc.wait()
