"""How many reads the app is serving now, for the work that gives way to them.

Why one counter: two things wait for a responder's reads to finish before they go on,
the lineage queue's writer (and its intake) and the pages' warm-up (``app.warmup``);
both count the same requests. The count is kept in shared memory so that the queue's
writer process reads it too (``ol_writer_process``).

A read is a GET other than a lineage feed's, a health check or a static file (those
are short and are not what a responder waits for).
"""

from __future__ import annotations

import multiprocessing
import threading
import time

from flask import Flask, g, request

_KEY = "ownergraph.reads_counter"
NOT_COUNTED = ("/api/v1/lineage", "/healthz", "/static")


class ReadsInFlight:
    """Read requests in flight; ``wait_idle`` waits (bounded) until there are none."""

    def __init__(self) -> None:
        self.idle = threading.Condition()
        self.shared = multiprocessing.get_context("spawn").RawValue("i", 0)

    @property
    def n(self) -> int:
        return self.shared.value

    def enter(self) -> None:
        with self.idle:
            self.shared.value += 1

    def leave(self) -> None:
        with self.idle:
            self.shared.value -= 1
            if self.n == 0:
                self.idle.notify_all()

    def wait_idle(self, limit: float) -> None:
        deadline = time.monotonic() + limit
        with self.idle:
            while self.n > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self.idle.wait(left)


def init_app(app: Flask) -> None:
    """Count the app's reads (the hooks must be in place before its first request)."""
    reads = app.extensions[_KEY] = ReadsInFlight()

    @app.before_request
    def _read_starts():
        if request.method == "GET" and not request.path.startswith(NOT_COUNTED):
            reads.enter()
            g.ownergraph_read = True

    @app.teardown_request
    def _read_ends(_exc):
        # after every request context, the warm-up's own included: only what entered leaves
        if g.pop("ownergraph_read", False):
            reads.leave()


def of(app: Flask) -> ReadsInFlight:
    return app.extensions[_KEY]
