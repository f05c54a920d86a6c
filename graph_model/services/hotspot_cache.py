"""Hotspot rankings kept per audit head, recomputed in the background, one at a time.

Why: scoring reads and ranks the whole catalogue (7.8 s of CPU at 100k artifacts on 2
cores), and /hotspots, the home page's top-hotspots fragment and the API asked for it
on every request, so a handful of responders opening the dashboard saturated the
server. The graph changes only through the write path, and every write moves the audit
head, so a ranking computed at head N is exact for as long as the head is N.

The rules, per store (one per process in the web app):
- The head still matches the ranking: answer from it (one audit-head read, ~1 ms), and
  ``age_s`` is 0. If the ranking is older than ``refresh_ms`` (staleness is a matter of
  time too), refresh it in the background meanwhile.
- The head moved on (writes since): the ranking lags the graph by the time since the
  first event after its head (the event's own time, read from the log). Within
  ``max_lag_ms`` (60 s) answer from it, saying ``age_s``, and start a recomputation in
  the background unless one is running or the last one ended less than a gap ago: the
  gap is ``min_gap_ms`` (10 s) or the last computation's length if longer (and the
  bound leaves room), so a stream of writes keeps at most half a core busy with
  scoring, never one computation per write or per request. Beyond ``max_lag_ms``, or with no ranking yet, wait for the
  computation (starting it if needed): every waiting request shares it.
- While anyone has asked in the last ``idle_ms`` (10 min), a watcher polls the audit
  head every ``poll_ms`` (5 s) and starts the recomputation by the same rule, so a
  write followed by quiet is scored before the next request, which then need not wait.
- Asks made for the server itself (``unwatched``: the warm-up after a start or an
  outage) get or compute the ranking like any other but are not "someone asking": they
  neither start the watcher nor keep it going. Why: the warm-up's hotspot page kept the
  watcher scoring every write for 10 minutes after each start, for nobody; on Neo4j at
  100k, with 4 feeds posting single events and an incident reader, that scoring in the
  web process took the events applied from 343.7 and 363.3 a second to 230.6 and 226.2,
  and the incident p95 from 63.3 and 60.6 ms to 96.6 and 99.5 ms (bench/README.md).
- At most one computation runs per store; ``computations`` counts them.
- A new ranking is moved out of the cyclic garbage collector's sight (``gc.freeze``):
  it is a few million long-lived objects at 100k artifacts, and every full collection
  rescanned them, 1.8 s a time, seven times in a 3-minute run (the /hotspots p95 was
  1.7 s for that alone). Scoring's temporaries hold no reference cycles (a collection
  right after it finds about 10 objects at 10k), and a replaced ranking is freed by
  reference counting, so freezing leaks next to nothing.

Worst case while writes stream in: a write just missed by one computation is seen after
that one, the gap, the next one and a poll (8 + 10 + 8 + 5 s at 100k artifacts on a quiet
2-core machine), inside the 60 s bound. When a computation takes longer than about 22 s
(a machine busy with other work: 32-40 s was measured at a load average of 11), some
requests reach the bound and wait for the computation in progress instead (the largest
wait measured there: 4.5 s, at a write per second for 90 s).
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import logging
import threading
import weakref
from typing import Callable, Iterator

from ..clock import now_ms
from ..errors import StoreUnavailable
from ..store.base import GraphStore
from . import hotspots, overview
from .hotspots import Ranking

MAX_LAG_MS = 60_000          # an answer may lag the graph by at most this
MIN_GAP_MS = 10_000          # from the end of one background computation to the next start
REFRESH_MS = 15 * 60_000     # recompute this often even without writes (staleness is time-based)
POLL_MS = 5_000              # the watcher reads the audit head this often ...
IDLE_MS = 10 * 60_000        # ... while someone asked within this long
WAIT_S = 600.0               # a request waits at most this long for a computation

log = logging.getLogger(__name__)

#: set while the server asks for itself (``unwatched``), not for a reader
_UNWATCHED: contextvars.ContextVar[bool] = contextvars.ContextVar("hotspots_unwatched", default=False)


@contextlib.contextmanager
def unwatched() -> Iterator[None]:
    """Asks inside this block (on this thread) do not count as someone looking: they
    neither start the watcher nor keep it going (module docstring)."""
    token = _UNWATCHED.set(True)
    try:
        yield
    finally:
        _UNWATCHED.reset(token)


class _Flight:
    """One computation in progress; requests that must have its result wait on it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: Ranking | None = None
        self.error: BaseException | None = None


class HotspotCache:
    """The hotspot ranking of one store, kept per audit head (see the module docstring).

    Args:
        compute: scores the store (``hotspots.rank``); tests pass a counting wrapper.
        clock: epoch milliseconds (``clock.now_ms``).
    """

    def __init__(self, store: GraphStore, *, compute: Callable[[GraphStore], Ranking] = hotspots.rank,
                 clock: Callable[[], int] = now_ms, max_lag_ms: int = MAX_LAG_MS,
                 min_gap_ms: int = MIN_GAP_MS, refresh_ms: int = REFRESH_MS,
                 poll_ms: int | None = POLL_MS, idle_ms: int = IDLE_MS) -> None:
        self._store = weakref.ref(store)          # the registry below is keyed by the store
        self._compute, self._clock = compute, clock
        self.max_lag_ms, self.min_gap_ms, self.refresh_ms = max_lag_ms, min_gap_ms, refresh_ms
        self.poll_ms, self.idle_ms = poll_ms, idle_ms
        self._lock = threading.Lock()
        self._current: Ranking | None = None
        self._diverged: tuple[int, tuple[int, str], int | None] | None = None  # (id(ranking), head, at)
        self._flight: _Flight | None = None
        self._last_end: int | None = None
        self._last_length = 0                     # ms the last computation took
        self._last_ask = clock()
        self._watcher: threading.Thread | None = None
        self._stopped = threading.Event()
        self._extras: dict = {}                   # memo of derived answers for _extras_for
        self._extras_for: Ranking | None = None
        self.computations = 0

    @property
    def store(self) -> GraphStore:
        store = self._store()
        if store is None:
            raise StoreUnavailable("the store of this hotspot cache was closed and dropped")
        return store

    def get(self) -> tuple[Ranking, float]:
        """The ranking to answer from and how many seconds it may lag behind the graph."""
        head = self._head()
        now = self._clock()
        if not _UNWATCHED.get():
            with self._lock:
                self._last_ask = now
                self._ensure_watcher_locked()
        while True:
            with self._lock:
                cur = self._current
                if cur is not None and (cur.audit_seq, cur.audit_hash) == head:
                    if now - cur.computed_at >= self.refresh_ms:
                        self._start_locked()
                    return cur, 0.0
            lag_ms = self._lag_ms(cur, head, now) if cur is not None else None
            with self._lock:
                if self._current is not cur:
                    continue                      # a computation ended meanwhile: look again
                if lag_ms is not None and lag_ms <= self.max_lag_ms:
                    self._start_if_due_locked(now)
                    return cur, lag_ms / 1000
                flight = self._flight or self._start_locked()
            break
        if not flight.done.wait(WAIT_S):
            raise StoreUnavailable(f"the hotspot ranking did not finish within {WAIT_S:.0f} s")
        if flight.error is not None:
            raise flight.error
        assert flight.result is not None
        return flight.result, 0.0

    def _head(self) -> tuple[int, str]:
        row = self.store.read("audit_head")[0]
        return int(row["seq"] or 0), row["hash"] or ""

    def _start_if_due_locked(self, now: int) -> None:
        """Start a background computation unless one runs or the gap has not passed."""
        # at most half a core on scoring (gap >= the last computation's length), unless that
        # would break the bound: a write just missed by one computation is seen after that
        # one, the gap, the next one and a poll
        room = self.max_lag_ms - 2 * self._last_length - (self.poll_ms or 0)
        gap = max(self.min_gap_ms, min(self._last_length, room))
        if self._flight is None and (self._last_end is None or now - self._last_end >= gap):
            self._start_locked()

    @property
    def watching(self) -> bool:
        """Whether the watcher polls the audit head (someone asked within ``idle_ms``)."""
        watcher = self._watcher
        return watcher is not None and watcher.is_alive()

    def _ensure_watcher_locked(self) -> None:
        if self.poll_ms and not self._stopped.is_set() and (self._watcher is None or not self._watcher.is_alive()):
            self._watcher = threading.Thread(target=self._watch, name="hotspot-watch", daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        """Poll the audit head while someone is looking; start due recomputations."""
        assert self.poll_ms
        while not self._stopped.wait(self.poll_ms / 1000):
            now = self._clock()
            with self._lock:
                if now - self._last_ask > self.idle_ms:
                    self._watcher = None
                    return
                cur = self._current
            if cur is None:
                continue
            if self._store() is None:
                return
            try:
                head = self._head()
            except Exception as e:  # the engine may be down for a while; keep watching
                log.debug("hotspot watcher could not read the audit head: %s", e)
                continue
            with self._lock:
                if self._current is cur and (cur.audit_seq, cur.audit_hash) != head:
                    self._start_if_due_locked(now)

    def close(self) -> None:
        """Stop the watcher (the cache still answers; ``get`` does not restart it)."""
        self._stopped.set()

    def _lag_ms(self, cur: Ranking, head: tuple[int, str], now: int) -> int | None:
        """How long the graph has been ahead of ``cur``: since the first audit event after
        its head. None when that cannot be known (the log was cleared or replaced: that
        event does not link to the ranking's head)."""
        memo = self._diverged
        if memo is not None and memo[0] == id(cur):
            at = memo[2]
        else:
            at = None
            if head[0] > cur.audit_seq:
                rows = self.store.read("audit_event_time", seq=cur.audit_seq + 1)
                if rows and rows[0]["at"] is not None and (rows[0]["prev_hash"] or "") == cur.audit_hash:
                    at = rows[0]["at"]
            self._diverged = (id(cur), head, at)
        return None if at is None else max(1, now - at)     # behind is never "0 s behind"

    def _start_locked(self) -> _Flight:
        """Start a computation in the background unless one runs; the lock is held."""
        if self._flight is not None:
            return self._flight
        flight = self._flight = _Flight()
        self.computations += 1
        threading.Thread(target=self._run, args=(flight,), name="hotspot-ranking", daemon=True).start()
        return flight

    def _run(self, flight: _Flight) -> None:
        began = self._clock()
        try:
            ranking = self._compute(self.store)
            gc.freeze()                   # before anything else allocates enough to trigger a collection
            ranking.view(None, None)      # the unfiltered view most requests ask for (~1 s at 100k)
            gc.freeze()
            flight.result = ranking
        except BaseException as e:  # handed to every waiting request; logged for the rest
            flight.error = e
            log.warning("hotspot ranking failed: %s", e)
        with self._lock:
            if flight.result is not None:
                cur = self._current
                if cur is None or flight.result.computed_at >= cur.computed_at:
                    self._current = flight.result
            self._flight = None
            self._last_end = self._clock()
            self._last_length = max(0, self._last_end - began)
        flight.done.set()

    def memo(self, key: tuple, fn: Callable[[], object]) -> object:
        """``fn()``, remembered for as long as the current ranking is: for answers derived
        from the same graph state, such as the dependents the /hotspots graph draws."""
        with self._lock:
            ranking = self._current
            if ranking is None:
                return fn()
            if self._extras_for is not ranking:
                self._extras, self._extras_for = {}, ranking
            if key in self._extras:
                return self._extras[key]
        value = fn()
        with self._lock:
            if self._extras_for is ranking and len(self._extras) < 64:
                self._extras[key] = value
        return value

    def wait_idle(self, timeout: float = WAIT_S) -> bool:
        """Wait until no computation runs (tests and benchmarks); False on timeout."""
        with self._lock:
            flight = self._flight
        return flight is None or flight.done.wait(timeout)


_caches: "weakref.WeakKeyDictionary[GraphStore, HotspotCache]" = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def for_store(store: GraphStore) -> HotspotCache:
    """The process's cache for ``store`` (created on first use, gone with the store)."""
    with _caches_lock:
        cache = _caches.get(store)
        if cache is None:
            cache = _caches[store] = HotspotCache(store)
        return cache


def forget(store: GraphStore) -> None:
    """Drop the cache of ``store`` (the next request computes afresh) and stop its watcher."""
    with _caches_lock:
        cache = _caches.pop(store, None)
    if cache is not None:
        cache.close()


def cached_dependents(store: GraphStore, uids: list[str], per_artifact: int = 12) -> dict:
    """``overview.dependents_of`` remembered with the current ranking: at 100k artifacts the
    top hotspots have thousands of direct dependents each and the read took 140-180 ms,
    most of a warm /hotspots page."""
    return for_store(store).memo(("dependents", tuple(uids), per_artifact),
                                 lambda: overview.dependents_of(store, uids, per_artifact))


def cached_hotspots(store: GraphStore, *, limit: int = 50, kind: str | None = None,
                    team: str | None = None) -> dict:
    """``hotspots.hotspots``'s answer from the store's cached ranking; ``age_s`` says how
    far it may lag behind the graph.

    Raises:
        BadParameter: limit out of range or an unknown kind (before any computation).
        NotFound: an unknown team.
    """
    hotspots.check_filters(limit, kind)
    ranking, age_s = for_store(store).get()
    return hotspots.answer(store, ranking, limit=limit, kind=kind, team=team, age_s=age_s)
