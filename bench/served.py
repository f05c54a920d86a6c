"""The app as users run it (``ownergraph serve``, waitress, its own process) and a small
keep-alive HTTP client for the measurements that go through it.

Loopback only: the server binds 127.0.0.1 on a free port and every request has a
timeout, so a measurement never waits for ever. The server is stopped on exit
(SIGTERM, then SIGKILL after 30 s).
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

# Anonymous reads: if the serve command has a flag for them (an authentication layer may
# require a token otherwise), the load suite passes it.
ANONYMOUS_FLAG = "--anonymous-read"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli() -> list[str]:
    return [sys.executable, "-c", "from app.cli import main; main()"]


def serve_flags() -> list[str]:
    """Extra flags for ``serve``: ``--anonymous-read`` when this version has it."""
    help_text = subprocess.run([*_cli(), "serve", "--help"], capture_output=True, text=True).stdout
    return [ANONYMOUS_FLAG] if ANONYMOUS_FLAG in help_text else []


@contextmanager
def serve(store_args: list[str], log_path: Path, timeout: float = 120.0, extra: tuple[str, ...] = ()):
    """Run ``ownergraph <store_args> serve [extra]`` on a free loopback port; yields (port, flags)."""
    port = free_port()
    flags = [*serve_flags(), *extra]
    log = open(log_path, "wb")
    proc = subprocess.Popen([*_cli(), *store_args, "serve", "--host", "127.0.0.1", "--port", str(port), *flags],
                            stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + timeout
        client = Client(port, timeout=10)
        while True:
            try:
                if 0 < client.request("GET", "/healthz")[0] < 500:
                    break
            except OSError:
                pass
            if proc.poll() is not None:
                raise RuntimeError("the app server exited: " + log_path.read_text(errors="replace")[-2000:])
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app server did not answer within {timeout:.0f} s")
            time.sleep(0.3)
        client.close()
        yield port, flags
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


class Client:
    """One keep-alive connection (one per thread); reconnects after an error."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, float, bytes, dict]:
        """(status, milliseconds, body, headers); status 0 when the request failed
        (connection refused or reset, timeout), with the error text as the body."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        t0 = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            payload = resp.read()
            ms = (time.perf_counter() - t0) * 1000
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
            return resp.status, ms, payload, {k.lower(): v for k, v in resp.getheaders()}
        except (OSError, http.client.HTTPException) as e:
            ms = (time.perf_counter() - t0) * 1000
            self.close()
            return 0, ms, f"{type(e).__name__}: {e}".encode(), {}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
