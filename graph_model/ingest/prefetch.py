"""Prepares the next items of a sequence in a background thread while the caller works.

Why: a bulk load alternates between Python work that needs no store (generating a
chunk, validating it: about 15 % of a load's time, measured) and waiting for the engine
to write the previous chunk, which releases the interpreter. Doing the first during the
second keeps both cores busy. Planning still happens in order in the caller, against the
store as the previous unit left it.
"""

from __future__ import annotations

import queue
import threading
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
U = TypeVar("U")

_END = object()


def prefetched(items: Iterable[T], prepare: Callable[[T], U], depth: int = 2) -> Iterator[U]:
    """``prepare(item)`` for each item, computed up to ``depth`` items ahead.

    Results come in order; an exception raised while taking or preparing an item is
    raised here, at that item's turn. Leaving the loop early (break, an error, a stop
    signal) stops the background thread at its next item; it holds at most ``depth``
    prepared items, so memory stays bounded.
    """
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(value: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if stop.is_set() or not put(("ok", prepare(item))):
                    return
        except BaseException as e:   # handed to the consumer, raised at this item's turn
            put(("error", e))
            return
        put(("end", _END))

    thread = threading.Thread(target=work, name="prefetch", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = ready.get()
            if kind == "ok":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        stop.set()
        thread.join(5)
