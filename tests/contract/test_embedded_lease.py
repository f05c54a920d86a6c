"""The embedded engine a data directory shares: a live server that answers slowly is
kept, not killed and replaced by the next process that takes a lease."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

import pytest

from graph_model.store.embedded import EmbeddedServer, process_alive


@pytest.fixture
def servers():
    """Two leases on one data directory, the first with its server started."""
    home = Path(tempfile.mkdtemp(prefix="og-lease-"))
    first, second = EmbeddedServer(home), EmbeddedServer(home)
    first.acquire()
    try:
        yield first, second
    finally:
        second.release()
        first.release()
        shutil.rmtree(home, ignore_errors=True)


def test_a_server_busy_for_two_seconds_is_kept_by_the_next_lease(servers):
    first, second = servers
    pid = first.pid()
    os.kill(pid, signal.SIGSTOP)   # it answers nothing until continued
    resume = threading.Timer(2.0, os.kill, (pid, signal.SIGCONT))
    resume.start()
    try:
        started = time.monotonic()
        second.acquire()
        assert time.monotonic() - started >= 1.5   # it waited for the answer
        assert second.pid() == pid and process_alive(pid)
    finally:
        resume.join()


def test_a_server_gone_is_started_again_by_the_next_lease(servers):
    first, second = servers
    pid = first.pid()
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while process_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    second.acquire()
    assert second.pid() != pid and process_alive(second.pid())
