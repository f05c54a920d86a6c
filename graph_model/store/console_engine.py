"""The console's own engine: a read-only replica of the embedded engine, in a process of
its own, that runs every console query.

Why: the embedded engine cannot stop one step of a query (no memory or time check inside
a function call, see ``embedded.memory_ceiling``). On the engine the responders' pages
use, a hostile or careless console query could still stop it at its memory ceiling, and
every page waited for its restart (16 s at 100k artifacts, measured). On a replica the
same query stops the replica alone: the pages never notice, and the console pauses
(``services/console_gate``) and starts its engine again on the next query.

How: the server of the data directory listens on a loopback port for this replica only
(password-protected, ``embedded.engine_config``); the replica keeps no files (the
snapshot arrives over the socket), runs under the same memory ceiling, listens on
``console.sock`` and refuses writes. It is started by the first console query (and again
after it stopped) and stopped with the server. A write shows on it within a
millisecond (measured: p50 0.19 ms, max 0.65 ms on loopback), and a console query first
waits until the replica has applied every write the main engine had taken when the
query arrived, so it never misses a write made just before it (a loaded CI machine once
showed one missing without that wait); right after a (re)start it
first copies the whole graph (about a second at the demo's size, 14-17 s at 100k
artifacts, measured); a console query waits for it within its own time limit, and
answers 503 with ``Retry-After`` if the copy is not done by then.

``OWNERGRAPH_CONSOLE_ENGINE=shared`` runs console queries on the main engine instead
(no second process, no TCP port; half the memory), with the other bounds unchanged.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from ..errors import ConsoleEngineUnavailable
from . import embedded

ENV = "OWNERGRAPH_CONSOLE_ENGINE"
SOCKET_NAME = "console.sock"
PID_NAME = "console.pid"
LOG_NAME = "console.log"
DATA_DIR = "console-data"
#: the longest a console query waits for a replica that is starting before it is a 503
#: (its own time limit is the usual bound: the wait is part of it)
START_WAIT_S = 20.0
RETRY_AFTER_S = 5


def enabled(env: dict | None = None) -> bool:
    """True unless ``OWNERGRAPH_CONSOLE_ENGINE=shared``; any other value is an error."""
    value = ((os.environ if env is None else env).get(ENV) or "replica").strip().lower()
    if value not in ("replica", "shared"):
        raise ConsoleEngineUnavailable(f"{ENV}={value!r}: use 'replica' (the default) or 'shared'")
    return value == "replica"


def _pid(home: Path) -> int | None:
    try:
        return int((home / PID_NAME).read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(home: Path) -> bool:
    pid = _pid(home)
    return pid is not None and embedded._is_server(pid)


def _synced(info: dict) -> bool:
    """True when the replica (its ``INFO replication``) is linked to the server and
    holds its snapshot."""
    return info.get("master_link_status") == "up" and not info.get("master_sync_in_progress")


def stop_locked(home: Path) -> None:
    """Stop the replica of ``home`` if one runs (the directory's lock held). It keeps
    nothing on disk, so a plain SIGTERM is a clean stop."""
    home = Path(home)
    pid = _pid(home)
    if pid is not None and embedded._is_server(pid):
        os.kill(pid, signal.SIGTERM)
        if not embedded.EmbeddedServer._wait_exit(pid, 5.0):
            os.kill(pid, signal.SIGKILL)
            embedded.EmbeddedServer._wait_exit(pid, 2.0)
    (home / PID_NAME).unlink(missing_ok=True)
    (home / SOCKET_NAME).unlink(missing_ok=True)


class ConsoleEngine:
    """The replica of one data directory, as the console uses it."""

    def __init__(self, home: Path, start_wait_s: float = START_WAIT_S):
        self.home = Path(home).resolve()
        self.socket_path = self.home / SOCKET_NAME
        self.start_wait_s = start_wait_s

    def address(self, wait_s: float | None = None, written_to: int | None = None) -> dict:
        """Where a console query goes: the replica's socket and password, once it holds
        the whole graph and, given ``written_to`` (the main engine's replication offset
        when the query arrived), every write up to it: an analyst who loads a manifest and
        then queries it sees it. Starts the replica when it does not run, and waits for it
        at most ``wait_s`` (the console query's time left), never more than
        ``start_wait_s``.

        Raises:
            ConsoleEngineUnavailable: still copying the graph after that wait (it goes on
                copying: a later query finds it ready), or the main engine offers no
                replication port (started with ``shared``).
        """
        wait_s = self.start_wait_s if wait_s is None else min(wait_s, self.start_wait_s)
        deadline = time.monotonic() + wait_s
        secret = embedded.stored_secret(self.home)
        info = self._replication(secret, 0.5) if _alive(self.home) else {}
        if not _synced(info):
            with embedded.locked(self.home):
                if not _alive(self.home):
                    self._start_locked()
            secret = embedded.stored_secret(self.home)
            while not _synced(info := self._replication(secret, 1.0)):
                if not _alive(self.home):
                    raise ConsoleEngineUnavailable(
                        f"the console's engine stopped while it started; see {self.home / LOG_NAME}")
                if time.monotonic() > deadline:
                    raise ConsoleEngineUnavailable(
                        f"the console's engine is still copying the graph (it starts with the first "
                        f"console query and after a query stopped it); try again in a few seconds")
                time.sleep(0.05)
        # caught up: usually at once (a write shows within a millisecond)
        while written_to is not None and int(info.get("master_repl_offset", -1)) < written_to:
            if time.monotonic() > deadline:
                raise ConsoleEngineUnavailable(
                    "the console's engine has not yet applied the latest writes; try again in a few seconds")
            time.sleep(0.001)
            info = self._replication(secret, 1.0)
        return {"path": str(self.socket_path), "password": secret}

    def _replication(self, secret: str | None, timeout: float) -> dict:
        """The replica's ``INFO replication`` (empty when it does not answer)."""
        import redis
        conn = redis.Redis(unix_socket_path=str(self.socket_path), password=secret, socket_timeout=timeout)
        try:
            return conn.info("replication")
        except (redis.RedisError, OSError):
            return {}
        finally:
            conn.close()

    def _start_locked(self) -> None:
        try:
            port = int((self.home / embedded.PORT_NAME).read_text().strip())
        except (OSError, ValueError):
            raise ConsoleEngineUnavailable(
                "the console's engine cannot start: the main engine offers no replication port "
                f"(it was started with {ENV}=shared, or by an older version); restart ownergraph") from None
        stop_locked(self.home)   # a pid or socket file of a replica that died
        redis_server, module = embedded._binaries()
        (self.home / DATA_DIR).mkdir(exist_ok=True)
        args = [
            redis_server, str(embedded.engine_config(self.home)),
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.home / DATA_DIR),
            "--replicaof", "127.0.0.1", str(port),
            "--replica-read-only", "yes",
            "--repl-diskless-load", "on-empty-db",   # the snapshot goes to memory, not disk
            "--appendonly", "no",
            "--save", "",
            "--daemonize", "no",
            "--crash-memcheck-enabled", "no",
            "--pidfile", str(self.home / PID_NAME),
            "--logfile", str(self.home / LOG_NAME),
            "--loadmodule", module, *embedded.engine_settings(),
        ]
        try:
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
        except OSError as e:
            raise ConsoleEngineUnavailable(f"cannot start the console's engine: {e}") from e
        embedded._limit(proc.pid, embedded.memory_ceiling())
        (self.home / PID_NAME).write_text(str(proc.pid))
