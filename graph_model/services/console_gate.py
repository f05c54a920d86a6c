"""How many analyst queries may run at once in this process, and how long one may wait.

Why: before this gate, console queries shared the engine's worker threads with the
responders' reads. FalkorDB runs queries on a fixed pool (2 threads by default on a
2-core machine): two concurrent ``MATCH (a),(b),(c) RETURN count(*)`` made a plain
artifact read wait 9.7 s, four made it wait 19.7 s, and the console's own 10 s limit
did not count the time a query spent queued, so those queries answered after 20 s.

The gate admits ``concurrency`` queries; up to ``queue`` more may wait for a slot, each
until its own deadline (its time limit counts from arrival, queue included); anything
beyond that is refused at once with ``Busy`` and a ``retry_after`` estimate (the time
until the earliest running query reaches its deadline). Refusing is cheap and honest;
an unbounded queue would only move the wait from the engine into the web server.

One gate per app (so one per served process); the engine-level settings that keep the
product's own reads fast while the gate is full are in ``store/embedded.py``.
"""

from __future__ import annotations

import math
import os
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from ..errors import Busy


def default_concurrency(cpus: int | None = None) -> int:
    """Half the cores, at least one: 1 on the 2-core reference machine.

    A heavy console query keeps one core busy for its whole time limit (cartesian
    products, long ``range`` lists). With one slot per two cores, at most half the CPU
    goes to the console and the other half stays with the responders' reads and the
    web process itself; and it stays below the embedded engine's worker threads, so
    console queries can never occupy every thread.
    """
    cpus = cpus or os.cpu_count() or 2
    return max(1, cpus // 2)


class ConsoleGate:
    """A counting semaphore with a bounded wait list and deadline-aware waits."""

    def __init__(self, concurrency: int, queue: int = 1):
        if concurrency < 1:
            raise ValueError("console concurrency must be at least 1")
        if queue < 0:
            raise ValueError("console queue must be 0 or more")
        self.concurrency = concurrency
        self.queue = queue
        self._cond = threading.Condition()
        self._running: dict[int, float] = {}   # ticket -> deadline (monotonic s)
        self._waiting = 0
        self._next = 0
        self._paused_until = 0.0
        self._paused_why = ""
        self._stops: list[float] = []

    def pause(self, seconds: float, why: str) -> float:
        """Refuse every console query for a while (a circuit breaker); returns the pause.

        Why: on the embedded engine a query can stop the engine (``store/embedded.py``,
        ``memory_ceiling``); ownergraph starts it again (16 s measured at 100k
        artifacts), but a reader who sends the query again and again would keep every
        page down. The first stop pauses the console for ``seconds``; each further stop
        within the hour doubles it, up to an hour, so one analyst's mistake costs a
        minute and a repeated attack at most one restart per pause.
        """
        with self._cond:
            now = time.monotonic()
            self._stops = [t for t in self._stops if now - t < 3600] + [now]
            length = min(3600.0, seconds * 2 ** (len(self._stops) - 1))
            self._paused_until = max(self._paused_until, now + length)
            self._paused_why = why
            return length

    def _retry_after(self, now: float) -> int:
        soonest = min(self._running.values(), default=now + 1)
        return max(1, math.ceil(soonest - now))

    @contextmanager
    def slot(self, deadline: float) -> Iterator[float]:
        """Hold one slot while the body runs; yields the seconds spent waiting for it.

        Args:
            deadline: ``time.monotonic()`` value when the caller's time limit ends.

        Raises:
            Busy: every slot and every place in the queue is taken, or the deadline
                passed while waiting.
        """
        arrived = time.monotonic()
        with self._cond:
            if arrived < self._paused_until:
                left = math.ceil(self._paused_until - arrived)
                raise Busy(f"the console is paused for {left} s: {self._paused_why}", left)
            if len(self._running) >= self.concurrency:
                if self._waiting >= self.queue:
                    raise Busy(f"the console is busy: {len(self._running)} of {self.concurrency} "
                               f"query slots in use and {self._waiting} waiting; try again shortly",
                               self._retry_after(arrived))
                self._waiting += 1
                try:
                    while len(self._running) >= self.concurrency:
                        left = deadline - time.monotonic()
                        if left <= 0:
                            raise Busy("the console is busy: the time limit ran out while this "
                                       "query waited for a slot; try again shortly",
                                       self._retry_after(time.monotonic()))
                        self._cond.wait(left)
                finally:
                    self._waiting -= 1
            ticket = self._next
            self._next += 1
            self._running[ticket] = deadline
        try:
            yield time.monotonic() - arrived
        finally:
            with self._cond:
                del self._running[ticket]
                self._cond.notify()

    def in_use(self) -> tuple[int, int]:
        """(running, waiting), for health pages and tests."""
        with self._cond:
            return len(self._running), self._waiting
