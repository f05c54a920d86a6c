"""Group commit for lineage writes: events that wait for the write go in together.

Why: lineage writes are serialised per process (``openlineage.ingest``: with 4 feeds
posting at once, optimistic plans collided until clients got 503s), and a single event
costs about as much as a batch of a hundred (7 round trips, one fsynced write: 8-14 ms
measured). So while one unit is written, requests that arrive queue here, and the next
writer applies all of them (same store, same actor, at most ``MAX_EVENTS`` events) as
one unit. Each request is still all or nothing: if the joined unit is refused, each
request is applied on its own, and only the one that fails gets the error.

What a request is answered when it went in with others: the joined unit's summary
(docs/lineage.md says so); a lone request is answered with its own.

Waiting for the others (``LINGER_S``): with N clients posting in a loop, the requests
answered by one unit come back while the next unit is already written, so units settle
at about N/2 requests. When more requests were in flight at once in the last second
than are queued now, the writer waits a moment (at most ``LINGER_S``) for them to come
back, so one unit takes all of them. A lone client never waits: nothing else was in
flight.

How long: ``LINGER_S``, or ``LINGER_SHARE`` of the last unit's own duration when that is
longer (at most ``LINGER_MAX_S``). Why in proportion: a client whose request was answered
needs a turn-around (its next body encoded, sent and decoded: ~15 ms for 100 events)
that a fixed 3 ms never covers, so with batches the units held 2 of 4 requests; and a
unit's cost is not all per event (Neo4j, 100k store: 200 events 185 ms, 400 events 300
ms, alone). Waiting up to 15 % of the last unit for the others, Neo4j's batch stream
went from 657 to 917 events/s (units of 205 -> 374 events). Short units (single events:
14-18 ms) keep ``LINGER_S``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import ValidationFailed, WriteFailed

#: the most events one joined unit holds (a batch request's own limit)
MAX_EVENTS = 5000
#: the least a writer waits for requests that were in flight recently to come back
LINGER_S = 0.003
#: ... or this share of the last unit's duration, when that is longer
LINGER_SHARE = 0.15
#: ... never more than this
LINGER_MAX_S = 0.1
#: how long the peak of requests in flight at once is remembered
PEAK_WINDOW_S = 1.0


@dataclass(eq=False)
class Request:
    store: Any
    actor: str | None
    events: list
    done: bool = False
    result: Any = None
    error: BaseException | None = None


@dataclass
class Committer:
    """Serialises writes and joins queued requests; ``write(store, events, actor, reason)``
    applies one unit and returns its summary."""

    write: Callable[[Any, list, str | None, str], Any]
    linger_s: float = LINGER_S
    linger_share: float = LINGER_SHARE
    last_unit_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    queue_lock: threading.Lock = field(default_factory=threading.Lock)
    queue: list[Request] = field(default_factory=list)
    arrived: threading.Condition = field(default=None)   # type: ignore[assignment]
    in_flight: int = 0
    peak: int = 0
    peak_at: float = 0.0

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.queue_lock)

    def submit(self, store: Any, events: list, actor: str | None, reason: str) -> Any:
        req = Request(store, actor, events)
        with self.queue_lock:
            self.queue.append(req)
            self.in_flight += 1
            now = time.monotonic()
            if self.in_flight >= self.peak or now - self.peak_at > PEAK_WINDOW_S:
                self.peak, self.peak_at = self.in_flight, now
            self.arrived.notify_all()
        try:
            return self._submitted(req, reason)
        finally:
            with self.queue_lock:
                self.in_flight -= 1

    def _linger(self) -> None:
        """Wait (lock held, at most ``linger_limit()``) until as many requests are queued
        as were in flight at once within the last ``PEAK_WINDOW_S``."""
        deadline = time.monotonic() + self.linger_limit()
        with self.queue_lock:
            while (len(self.queue) < self.peak and time.monotonic() - self.peak_at <= PEAK_WINDOW_S
                   and time.monotonic() < deadline):
                self.arrived.wait(max(0.0, deadline - time.monotonic()))

    def linger_limit(self) -> float:
        """How long the next writer may wait for the others (module docstring)."""
        return min(LINGER_MAX_S, max(self.linger_s, self.linger_share * self.last_unit_s))

    def _submitted(self, req: Request, reason: str) -> Any:
        with self.lock:
            if not req.done:
                if self.linger_s > 0:
                    self._linger()
                group = self._take(req)
                started = time.monotonic()
                if len(group) == 1:
                    self._one(req, reason)
                else:
                    self._joined(group)
                self.last_unit_s = time.monotonic() - started
        if req.error is not None:
            raise req.error
        return req.result

    def _take(self, first: Request) -> list[Request]:
        """``first`` and the queued requests that can share its unit, in arrival order
        (not the order in which their threads happened to take the write lock)."""
        with self.queue_lock:
            room = MAX_EVENTS - len(first.events)
            group = []
            for r in self.queue:
                if r is first:
                    group.append(r)
                elif r.store is first.store and r.actor == first.actor and len(r.events) <= room:
                    group.append(r)
                    room -= len(r.events)
            for r in group:
                self.queue.remove(r)
        return group

    def _one(self, req: Request, reason: str) -> None:
        try:
            req.result = self.write(req.store, req.events, req.actor, reason)
        except BaseException as e:   # handed to the request's own thread
            req.error = e
        req.done = True

    def _joined(self, group: list[Request]) -> None:
        events = [e for r in group for e in r.events]
        reason = f"openlineage: {len(events)} events of {len(group)} requests, applied together"
        try:
            summary = self.write(group[0].store, events, group[0].actor, reason)
        except (ValidationFailed, WriteFailed):
            for r in group:   # one of them is refused: each alone, so only it fails
                self._one(r, reason_of(r.events))
            return
        except BaseException as e:
            for r in group:
                r.error, r.done = e, True
            return
        for r in group:
            r.result, r.done = summary, True


def reason_of(events: list) -> str:
    if len(events) == 1:
        e = events[0]
        return f"openlineage {e.kind} event" + (f" {e.event_type}" if e.event_type else "") + f" from {e.producer}"
    return f"openlineage batch of {len(events)} events"
