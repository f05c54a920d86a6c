"""A store that survives its engine going away: fail fast while it is down, reconnect
by itself when it is back.

Why a wrapper and not logic in each adapter: what to do when the engine is gone is the
same on both engines (answer "unavailable" at once instead of letting every request
wait on it, and rebuild the connection once it answers again), and a wrapper keeps it
out of the adapters' write and read code. Long-lived processes (``serve``, the web app)
use it; one-shot commands do not need it.

How it behaves:

- While the engine answers, every call goes straight to the adapter.
- The first call that finds the engine gone (``StoreUnavailable`` from the adapter, or a
  connection error it did not map) marks the store *down* and starts one background
  thread that reconnects. That call, and every call while the store is down, raises
  ``StoreUnavailable`` at once with the reason and for how long it has been down, so a
  responder sees a plain 503 in milliseconds rather than a request that hangs.
- The thread first asks the old adapter (a single failed request is not an outage);
  if it does not answer, it closes it and opens a new one with the opener. For the
  embedded FalkorDB, opening takes a lease and starts the server if none runs (under
  the data directory's lock, so several processes that all saw it die start exactly
  one); for Neo4j it is a new driver that must answer a ping. It retries every 0.5 s,
  backing off to 5 s, until it succeeds or the store is closed.
- A write that failed because the engine went away is not retried: it may or may not
  have been applied (both engines apply a unit whole or not at all), and the caller is
  told the store is unavailable.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from ..errors import ConsoleEngineUnavailable, StoreUnavailable
from .base import ConsoleResult, GraphStore, Plan, Planner, Reader

log = logging.getLogger(__name__)

FIRST_RETRY_S = 0.5
MAX_RETRY_S = 5.0


def _connection_errors() -> tuple[type[BaseException], ...]:
    """Engine exceptions that mean "cannot talk to it" (an adapter may not map them all)."""
    kinds: list[type[BaseException]] = [ConnectionError, TimeoutError, EOFError]
    try:
        import redis
        kinds += [redis.ConnectionError, redis.TimeoutError]
    except ImportError:  # pragma: no cover - the driver is a dependency
        pass
    try:
        from neo4j.exceptions import DatabaseUnavailable, ServiceUnavailable, SessionExpired
        # DatabaseUnavailable: what a query gets while the server shuts down (seen in the
        # fault test, as a 500, before it was listed here)
        kinds += [ServiceUnavailable, SessionExpired, DatabaseUnavailable]
    except ImportError:  # pragma: no cover
        pass
    return tuple(kinds)


_CONNECTION_ERRORS = _connection_errors()


class RecoveringStore(GraphStore):
    """Wraps the store an ``opener`` returns; see the module docstring.

    Args:
        opener: opens a ready store (``lambda: open_store(config)``); raises
            ``StoreUnavailable`` when the engine cannot be reached or started.
        backend: the backend's name, known before the first open succeeds.
        store: an already open store to start with (else opened on first use).
    """

    def __init__(self, opener: Callable[[], GraphStore], backend: str,
                 store: GraphStore | None = None, *, describe: str = ""):
        self._opener = opener
        self.backend = backend
        self.describe = describe   # where the data is, for messages ("data in ...")
        self._inner = store
        self._lock = threading.Lock()
        self._down_reason: str | None = None
        self._down_since = 0.0
        self._attempts = 0
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()
        self._on_recovered: list[Callable[[], None]] = []

    # -- state ------------------------------------------------------------------------

    @property
    def bulk_chunk(self) -> int:  # type: ignore[override]
        inner = self._inner
        return inner.bulk_chunk if inner is not None else GraphStore.bulk_chunk

    @property
    def plans_while_committing(self) -> bool:  # type: ignore[override]
        inner = self._inner
        return inner.plans_while_committing if inner is not None else False

    @property
    def reads_wait_for_writes(self) -> bool:  # type: ignore[override]
        inner = self._inner
        return inner.reads_wait_for_writes if inner is not None else False

    def prepare(self, plan: Plan) -> None:
        inner = self._inner
        if inner is not None:
            inner.prepare(plan)

    @property
    def inner(self) -> GraphStore | None:
        """The adapter in use now (None while none could be opened)."""
        return self._inner

    def status(self) -> dict:
        """``{"up": bool, "reason", "down_for_s", "attempts"}`` for health answers."""
        with self._lock:
            if self._down_reason is None:
                return {"up": True}
            return {"up": False, "reason": self._down_reason,
                    "down_for_s": round(time.monotonic() - self._down_since, 1),
                    "attempts": self._attempts}

    def on_recovered(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (on the recovery thread) each time the store answers again
        after an outage: a restarted engine has lost its caches (``app.warmup``)."""
        self._on_recovered.append(callback)

    def _current(self) -> GraphStore:
        with self._lock:
            if self._closed.is_set():
                raise StoreUnavailable("the store has been closed")
            if self._down_reason is not None:
                raise StoreUnavailable(self._down_message())
            inner = self._inner
        if inner is not None:
            return inner
        with self._lock:  # first use: open now, in the caller (the app starts without it)
            if self._inner is None and self._down_reason is None:
                try:
                    self._inner = self._opener()
                except StoreUnavailable as e:
                    self._go_down(str(e))
                    raise
            if self._inner is None:
                raise StoreUnavailable(self._down_message())
            return self._inner

    def _down_message(self) -> str:
        down_for = time.monotonic() - self._down_since
        return f"{self._down_reason} (down for {down_for:.0f} s; reconnecting)"

    def _go_down(self, reason: str) -> None:
        """Record the outage and start the reconnecting thread (lock held)."""
        if self._down_reason is None:
            log.warning("graph store unavailable: %s; reconnecting in the background", reason)
            self._down_reason, self._down_since, self._attempts = reason, time.monotonic(), 0
        if (self._thread is None or not self._thread.is_alive()) and not self._closed.is_set():
            self._thread = threading.Thread(target=self._recover, name="ownergraph-store-recovery",
                                            daemon=True)
            self._thread.start()

    def _failed(self, inner: GraphStore, reason: str) -> None:
        with self._lock:
            if self._inner is inner:   # not already replaced by a recovery
                self._go_down(reason)

    def _recover(self) -> None:
        wait = FIRST_RETRY_S
        while not self._closed.wait(wait):
            with self._lock:
                self._attempts += 1
                old = self._inner
            try:
                if old is not None:
                    try:
                        old.ping()
                        healthy = True
                    except Exception:  # noqa: BLE001 - any failure means rebuild
                        healthy = False
                    if not healthy:
                        with self._lock:
                            self._inner = None
                        _close_quietly(old)
                        old = None
                new = old if old is not None else self._opener()
            except Exception as e:  # noqa: BLE001 - keep trying until closed
                with self._lock:
                    self._down_reason = " ".join(str(e).split())[:300] or type(e).__name__
                wait = min(wait * 2, MAX_RETRY_S)
                continue
            with self._lock:
                if self._closed.is_set():
                    _close_quietly(new)
                    return
                self._inner = new
                log.warning("graph store reachable again after %.1f s",
                            time.monotonic() - self._down_since)
                self._down_reason = None
            for callback in self._on_recovered:
                try:
                    callback()
                except Exception as e:  # noqa: BLE001 - a listener must not end the recovery
                    log.warning("after the store came back: %s", e)
            return

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        inner = self._current()
        try:
            return getattr(inner, method)(*args, **kwargs)
        except ConsoleEngineUnavailable:
            raise   # the console's own engine: the store the pages use is fine
        except StoreUnavailable as e:
            self._failed(inner, str(e))
            raise
        except _CONNECTION_ERRORS as e:
            reason = f"the {self.backend} store is unreachable: {' '.join(str(e).split())[:300]}"
            self._failed(inner, reason)
            raise StoreUnavailable(reason) from e

    # -- the interface ----------------------------------------------------------------

    def ping(self) -> None:
        self._call("ping")

    def ensure_schema(self) -> None:
        self._call("ensure_schema")

    def read(self, name: str, **params: Any) -> list[dict]:
        return self._call("read", name, **params)

    def read_many(self, calls: list[tuple[str, dict]]) -> list[list[dict]]:
        return self._call("read_many", calls)

    def write_unit(self, planner: Planner, after: Callable[[Reader], None] | None = None) -> Any:
        return self._call("write_unit", planner, after=after)

    def query_readonly(self, text: str, params: dict, timeout_ms: int, row_cap: int) -> ConsoleResult:
        return self._call("query_readonly", text, params, timeout_ms, row_cap)

    def explain_readonly(self, text: str, params: dict, timeout_ms: int) -> list[str]:
        return self._call("explain_readonly", text, params, timeout_ms)

    def clear(self) -> None:
        self._call("clear")

    def close(self) -> None:
        """Stop reconnecting and close the adapter (releasing the embedded lease)."""
        self._closed.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)
        with self._lock:
            inner, self._inner = self._inner, None
        if inner is not None:
            inner.close()


def _close_quietly(store: GraphStore) -> None:
    try:
        store.close()
    except Exception as e:  # noqa: BLE001 - it is being replaced because it failed
        log.debug("closing a failed store: %s", e)
