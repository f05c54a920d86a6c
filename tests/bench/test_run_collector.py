"""The Neo4j header of a bench table names the collector the server ran with, read from
the server's real command line (a process started here with such options stands in)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.run import collector


def _process(*opts: str) -> subprocess.Popen:
    """A process whose command line carries ``opts``, once it does: right after the fork
    the child still shows the parent's command line (read there once, in a full run)."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", *opts])
    deadline = time.monotonic() + 10
    while b"time.sleep(30)" not in Path(f"/proc/{proc.pid}/cmdline").read_bytes():
        assert time.monotonic() < deadline, "the child never started"
        time.sleep(0.01)
    return proc


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
