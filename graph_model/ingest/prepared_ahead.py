"""Prepares the next items of a sequence on a thread while the caller applies the current one.

Why: a bulk load alternates Python work that depends on nothing stored (generating a
chunk, checking it against the manifest schema) with waiting for the engine (a unit's
statements and its commit, where the interpreter lock is free). Done in turn, the two
add up; done side by side, the chunk after this one is ready when this one commits.
Measured on Neo4j at 100k (see bench/README.md): generation and checking were 0.17 s of
each 1.4 s unit of 500 artifacts.

Order and errors are those of the plain loop: items come back in order, and the error
that preparing an item raised is raised where that item would have been, after every
item before it was handed out (a bulk load applies the chunks before a bad one, as it
did). At most ``depth`` prepared items wait, so memory stays bounded; when the caller
stops early (an error while applying, ``break``), the thread stops too.
"""

from __future__ import annotations

import queue
import threading
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: how often a waiting thread looks whether the caller has gone (seconds)
_POLL_S = 0.1


def prepared_ahead(items: Iterable[T], prepare: Callable[[T], R], *, depth: int = 2) -> Iterator[R]:
    """``prepare(item)`` for each item, in order, computed up to ``depth`` items ahead."""
    ready: queue.Queue = queue.Queue(maxsize=depth)
    gone = threading.Event()

    def hand_over(entry: tuple) -> bool:
        while not gone.is_set():
            try:
                ready.put(entry, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if gone.is_set() or not hand_over(("item", prepare(item))):
                    return
        except BaseException as e:   # handed to the caller, raised there in order
            hand_over(("error", e))
            return
        hand_over(("end", None))

    thread = threading.Thread(target=work, name="prepared-ahead", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = ready.get()
            if kind == "item":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        gone.set()
        thread.join(timeout=5 * _POLL_S)
