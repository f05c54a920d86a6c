"""The embedded server's liveness check counts a zombie as gone.

Why it matters: where init does not reap orphans, a FalkorDB server started by an
ownergraph process that has since exited stays a zombie once it stops; a stop that
waited for the zombie to vanish ran into its kill-and-wait fallbacks every time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from graph_model.store.embedded import process_alive


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_a_running_process_is_alive_and_an_unreaped_exited_one_is_not():
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                             stdin=subprocess.PIPE)
    try:
        assert process_alive(child.pid)
        child.stdin.close()          # it exits; we do not wait, so it stays a zombie
        deadline = time.monotonic() + 10
        while _state(child.pid) != "Z" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _state(child.pid) == "Z"
        assert not process_alive(child.pid)
    finally:
        child.wait(10)
    assert not process_alive(child.pid)


def test_this_process_is_alive():
    assert process_alive(os.getpid())
