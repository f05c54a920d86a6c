"""Reads share an embedded engine; a write has it alone (within one process).

Why: this engine version crashes when a read runs while a write query executes on
another of its threads. Measured at 100k artifacts, a lineage stream with incident
reads beside it: a segmentation fault inside the read's matrix multiply while the
writer waited for its commit lock, in 3 of 7 runs of 45 s (the crash report is in
bench/README.md). The engine takes its own write lock only to commit, so the write's
earlier steps overlap reads. Here a write waits until the reads in flight are done and
reads wait while a write runs, so the engine never sees the two at once from this
process. Reads still run side by side, so a long read (a hotspot scan) does not hold
up the others.

A waiting write goes before reads that arrive after it, so a steady flow of reads
cannot starve the writer. The turns are per engine address, shared by every store
object of the process that talks to it.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator


class EngineTurns:
    """A readers-writer lock that prefers the waiting writer."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._writing or self._readers:
                    self._cond.wait()
            finally:
                self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


_registry: dict[str, EngineTurns] = {}
_registry_lock = threading.Lock()


def for_engine(address: str) -> EngineTurns:
    """The turns of the engine at ``address`` (one per address in this process)."""
    with _registry_lock:
        turns = _registry.get(address)
        if turns is None:
            turns = _registry[address] = EngineTurns()
        return turns
