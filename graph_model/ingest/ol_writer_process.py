"""The lineage queue's writer in a process of its own, beside the web server.

Why: the queue's units were applied on a thread of the web process, and planning them
(the events' graph changes, the audit chain) is Python work that holds the interpreter
lock. Every page and API read in that process then waited for the lock between its
queries: with 4 feeds posting single events at 100k artifacts on 2 cores, the incident
API answered in 65-68 ms at the median and 146-151 ms at p95, while the same reads
sent straight to the engine from another process took 30 and 72 ms. In a process of
its own the writer competes for a core, not for the web process's lock. (It keeps the
web process's priority: at ``nice 10`` it fell behind on Neo4j, 233 events/s applied in
units of 850 with incident p95 224 ms, against 313 events/s and 109 ms.)

How: ``WriterProcess`` is the ``apply(events, actor, reason)`` the spool
(``ol_spool.Spool``) calls; it sends the unit through a pipe to a child process that
opens its own connection to the same store (``Recipe``) and answers with the outcome.
``submit`` sends a unit without waiting: the child receives (and unpickles) it on a
thread while it applies the one before, and takes it as soon as that one is done, so it
never waits for the web process between two units; the answers come back in order.
The child also plans a unit it already holds while the one before is written: on
Neo4j during the commit, over what that unit's transaction reads (``ol_ahead``); on the
embedded engine, whose unit is one query with nothing to read before it ends, over the
state the unit before leaves, worked out from what its planner read and what it writes
(``ol_overlay``).
Before each unit the child lets the web process's reads in flight finish (a counter in
shared memory, for at most the time the web process gives).
The spool keeps everything else: the log on disk, what is applied, the grouping, the
retries. Errors come back as the same types (a refusal, a store away), so the spool
treats them as before. A child that dies (killed, out of memory) is a store away: the
spool tries the unit again and a new child is started for it.

The child ignores Ctrl-C and SIGTERM meant for the server (same process group): it is
stopped by ``close`` after its current unit. It never outlives the web process: on Linux
the kernel kills it when the thread that started it (the spool's writer) ends, even in
the middle of a unit, which is then applied again by the next server (found: a server
killed during a long unit left its writer running that unit against Neo4j for 24 minutes);
elsewhere it ends once the pipe closes.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..errors import PermissionDenied, Problem, StoreUnavailable, ValidationFailed, WriteFailed
from ..store.base import GraphStore

log = logging.getLogger(__name__)

#: seconds ``close`` waits for the child to finish its unit before it is killed (a
#: unit is one transaction: cut short, it is applied again at the next start)
STOP_WAIT_S = 10.0
#: seconds a new child may take to open the store before the unit counts as "store away"
START_WAIT_S = 120.0
#: how often the child looks whether the web process's reads in flight have finished
READS_POLL_S = 0.002


@dataclass(frozen=True)
class Recipe:
    """How the child opens the store the web process uses (picklable: no connections).

    ``kind``: ``config`` (a ``StoreConfig``: the served app; the child reconnects, and
    restarts the embedded engine, by itself), ``falkordb`` (a socket and a graph name)
    or ``neo4j`` (URI, user, password, database).
    """

    kind: str
    args: tuple

    def open(self) -> GraphStore:
        if self.kind == "config":
            from ..store.factory import open_recovering
            return open_recovering(self.args[0])
        if self.kind == "falkordb":
            from ..store.falkordb_store import FalkorDBStore
            return FalkorDBStore(socket_path=self.args[0], graph=self.args[1])
        if self.kind == "neo4j":
            from ..store.neo4j_store import Neo4jStore
            return Neo4jStore(*self.args)
        raise ValueError(f"unknown store recipe {self.kind!r}")


def recipe_for(config: Any = None, store: GraphStore | None = None) -> Recipe | None:
    """The recipe for the app's store: its configuration when the app opens the store
    itself or was handed a recovering one (served: the child then reconnects, and
    restarts the embedded engine, by itself); else the open store's own connection
    details. None when neither tells how (the writer then stays a thread)."""
    from ..store.recovery import RecoveringStore
    if store is None or isinstance(store, RecoveringStore):
        return Recipe("config", (config,)) if config is not None else None
    args = getattr(store, "reopen_args", None)
    backend = getattr(store, "backend", None)
    return Recipe(backend, args) if args and backend in ("falkordb", "neo4j") else None


class Ticket:
    """A unit sent to the child; ``result()`` waits for its outcome and raises it."""

    def __init__(self, writer: "WriterProcess") -> None:
        self.writer = writer
        self.answer: tuple | None = None

    def result(self) -> None:
        if self.answer is None:
            self.writer._settle(self)
        _raise_or_return(self.answer)


class WriterProcess:
    """``apply(events, actor, reason)`` carried out by a child process, one unit at a
    time; ``submit`` sends the next unit while one is applied.

    ``reads``: (a shared counter of the web process's reads in flight, a
    ``multiprocessing.RawValue('i')`` of the spawn context; seconds): before each unit
    the child waits, at most that long, until the counter is 0 (reads go first, see
    ``app/api/lineage.py``)."""

    def __init__(self, recipe: Recipe, reads: tuple[Any, float] | None = None) -> None:
        self.recipe = recipe
        self.reads = reads
        self._ctx = multiprocessing.get_context("spawn")   # never fork a threaded server
        self._lock = threading.Lock()
        self._proc = None
        self._conn = None
        self._closed = False
        self._sent: deque[Ticket] = deque()   # units sent, their answers not read yet
        #: units the child wrote as planned while the one before committed (``ol_ahead``)
        self.planned_ahead = 0

    def __call__(self, events: list, actor: str | None, reason: str) -> None:
        self.submit(events, actor, reason).result()

    def submit(self, events: list, actor: str | None, reason: str) -> "Ticket":
        """Send a unit to the child without waiting for it: the child takes it as soon as
        the units sent before it are applied (it receives and unpickles it meanwhile).
        ``events`` may hold runs of events packed by the spool (``ol_events.Packed``).
        The outcomes come back in the order the units were sent (``Ticket.result``)."""
        with self._lock:
            if self._closed:
                raise StoreUnavailable("the lineage writer is stopping; the unit stays queued")
            conn = self._child()
            ticket = Ticket(self)
            try:
                conn.send(("apply", events, actor, reason))
            except OSError as e:
                self._lost(e)
                raise StoreUnavailable(_stopped(e)) from e
            self._sent.append(ticket)
            return ticket

    def _settle(self, ticket: "Ticket") -> None:
        """Read answers, oldest unit first, until ``ticket``'s has come."""
        with self._lock:
            while ticket.answer is None:
                conn = self._conn
                if conn is None or not self._sent:   # the child went away with it
                    ticket.answer = ("error", "StoreUnavailable", _stopped("it went away"), [])
                    break
                try:
                    answer = conn.recv()
                except (EOFError, OSError) as e:
                    self._lost(e)
                    continue
                self._sent.popleft().answer = answer
                self.planned_ahead += answer[:2] == ("ok", True)

    def _lost(self, error: BaseException) -> None:
        """The child is gone: every unit sent to it counts as not applied (a store away)."""
        for t in self._sent:
            t.answer = ("error", "StoreUnavailable", _stopped(error), [])
        self._sent.clear()
        self._forget()

    def _child(self):
        if self._proc is not None and self._proc.is_alive():
            return self._conn
        if self._sent:   # a child that died with units sent: they were not applied
            self._lost(EOFError("it died"))
        self._forget()
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_child_main, args=(child, self.recipe, os.getpid(), self.reads),
                                 name="ownergraph-lineage-writer", daemon=True)
        proc.start()
        child.close()
        if not parent.poll(START_WAIT_S):
            proc.kill()
            raise StoreUnavailable("the lineage writer process did not start in time")
        try:
            ready = parent.recv()
        except EOFError as e:
            raise StoreUnavailable("the lineage writer process stopped while it started") from e
        if ready[0] != "ready":
            proc.join(5)
            _raise_or_return(ready)
        self._proc, self._conn = proc, parent
        return parent

    def _forget(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._proc is not None:
            self._proc.join(1)
            if self._proc.is_alive():
                self._proc.kill()
                self._proc.join(5)
        self._proc = self._conn = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.is_alive() else None

    def close(self) -> None:
        """Stop the child after the unit it applies (if any); kill it past ``STOP_WAIT_S``."""
        acquired = self._lock.acquire(timeout=STOP_WAIT_S)
        try:
            self._closed = True
            proc, conn = self._proc, self._conn
            if proc is None:
                return
            try:
                if acquired:
                    conn.send(("stop",))
            except OSError:
                pass
            proc.join(STOP_WAIT_S if acquired else 0.1)
            if proc.is_alive():   # it ignores SIGTERM (the server's own signal): kill it
                proc.kill()
                proc.join(5)
            conn.close()
            self._proc = self._conn = None
        finally:
            if acquired:
                self._lock.release()


def _stopped(detail: object) -> str:
    return f"the lineage writer process stopped ({detail or 'pipe closed'}); the unit stays queued and is tried again"


#: the outcomes the spool tells apart; they cross the pipe by name, with their paths
_KNOWN = (ValidationFailed, PermissionDenied, WriteFailed, StoreUnavailable)


def _raise_or_return(answer: tuple) -> None:
    if answer[0] == "ok":
        return None
    _, kind, message, problems = answer
    found = [Problem(p, m) for p, m in problems]
    if kind == "ValidationFailed":
        raise ValidationFailed(found)
    if kind == "PermissionDenied":
        raise PermissionDenied(message, found or None)
    if kind == "WriteFailed":
        raise WriteFailed(message)
    if kind == "StoreUnavailable":
        raise StoreUnavailable(message)
    raise RuntimeError(f"the lineage writer failed: {kind}: {message}")


def _error(e: BaseException) -> tuple:
    kind = next((t.__name__ for t in _KNOWN if isinstance(e, t)), type(e).__name__)
    problems = [(p.path, p.message) for p in getattr(e, "problems", None) or ()]
    return ("error", kind, str(e), problems)


def _die_with_parent(parent: int) -> None:
    """Ask the kernel (Linux ``prctl(PR_SET_PDEATHSIG)``) to kill this process when the
    thread that started it ends; end now if the web process is already gone."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
    except (OSError, AttributeError):   # not Linux: the closed pipe ends it instead
        pass
    if os.getppid() != parent:
        os._exit(0)


#: ``linux/prctl.h``
PR_SET_PDEATHSIG = 1


def _child_main(conn, recipe: Recipe, parent: int, reads: tuple[Any, float] | None = None) -> None:
    """The child: open the store, then apply units until told to stop or the pipe closes.
    A thread receives (and unpickles) the next unit while one is applied."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent(parent)
    from . import ol_ahead, ol_events, ol_overlay
    try:
        store = recipe.open()
    except BaseException as e:   # noqa: BLE001 - reported to the parent, which keeps the unit
        conn.send(_error(e if isinstance(e, StoreUnavailable) else StoreUnavailable(f"opening the store: {e}")))
        return
    inbox: queue.Queue = queue.Queue()
    stopping = threading.Event()

    def receive() -> None:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                message = ("stop",)   # the web process is gone
            if message[0] == "stop":   # at once: the units received are applied by the next server
                stopping.set()
            elif message[0] == "apply":   # what the spool kept packed is unpickled here, not there
                message = (message[0], ol_events.unpacked(message[1]), *message[2:])
            inbox.put(message)
            if message[0] == "stop":
                return
    threading.Thread(target=receive, name="lineage-writer-inbox", daemon=True).start()
    def take_next(wait_s: float = 0.0) -> tuple | None:
        try:
            return inbox.get(timeout=wait_s) if wait_s > 0 else inbox.get_nowait()
        except queue.Empty:
            return None

    pool: ThreadPoolExecutor | None = None
    taken: ol_ahead.Next | None = None   # the next message, taken while the last unit committed
    try:
        conn.send(("ready",))
        while True:
            message, ahead = (taken.message, taken) if taken is not None else (inbox.get(), None)
            taken = None
            if message[0] == "stop" or stopping.is_set():
                return
            _, events, actor, reason = message
            _reads_first(reads)
            try:
                pool = pool or ThreadPoolExecutor(max_workers=1, thread_name_prefix="lineage-unit")
                if getattr(store, "plans_while_committing", False):   # Neo4j: the next unit planned during the commit
                    planned_ahead, taken, error = ol_ahead.apply(pool, store, events, actor, reason,
                                                                 ahead.ahead if ahead is not None else None,
                                                                 take_next)
                else:   # the embedded engine: the next unit planned over this one's outcome while it is written
                    planned_ahead, taken, error = ol_overlay.apply(pool, store, events, actor, reason, ahead,
                                                                   take_next)
                if error is not None:
                    raise error
                answer: tuple = ("ok", planned_ahead)
            except Exception as e:   # noqa: BLE001 - every outcome goes back to the spool
                if not isinstance(e, _KNOWN):
                    log.exception("lineage writer: applying a unit failed")
                answer = _error(e)
            try:
                conn.send(answer)
            except OSError:
                return   # the web process is gone
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
        store.close()


def _reads_first(reads: tuple[Any, float] | None) -> None:
    """Wait (at most the seconds given) until the web process has no read in flight."""
    if reads is None:
        return
    count, limit = reads
    deadline = time.monotonic() + limit
    while count.value > 0 and time.monotonic() < deadline:
        time.sleep(READS_POLL_S)
