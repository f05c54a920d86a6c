"""The bulk load's prefetching stage: order, errors at their turn, a bounded lead, and a
background thread that ends when the consumer stops early."""

from __future__ import annotations

import threading
import time

import pytest

from graph_model.ingest.prefetch import prefetched


def test_results_come_in_order_and_all_of_them():
    assert list(prefetched(range(50), lambda i: i * i)) == [i * i for i in range(50)]


def test_an_error_preparing_an_item_is_raised_at_that_items_turn():
    def prepare(i):
        if i == 3:
            raise ValueError("bad item 3")
        return i

    got = []
    with pytest.raises(ValueError, match="bad item 3"):
        for v in prefetched(range(10), prepare):
            got.append(v)
    assert got == [0, 1, 2]


def test_an_error_taking_the_next_item_is_raised_too():
    def items():
        yield 1
        raise KeyError("source broke")

    with pytest.raises(KeyError, match="source broke"):
        list(prefetched(items(), lambda i: i))


def test_it_prepares_at_most_depth_items_ahead():
    prepared = []
    it = prefetched(range(100), lambda i: prepared.append(i) or i, depth=2)
    assert next(it) == 0
    time.sleep(0.3)   # let the thread run as far ahead as it may
    # one handed out, ``depth`` waiting in the queue, one prepared and waiting to be put
    assert len(prepared) <= 1 + 2 + 1
    it.close()


def test_leaving_early_stops_the_background_thread():
    before = {t.ident for t in threading.enumerate()}
    for v in prefetched(iter(range(10_000)), lambda i: i):
        if v == 5:
            break
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        extra = [t for t in threading.enumerate() if t.ident not in before and t.name == "prefetch"]
        if not extra:
            break
        time.sleep(0.05)
    assert not extra, "the prefetch thread is still running"
