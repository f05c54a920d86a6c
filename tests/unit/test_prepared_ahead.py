"""The bulk load's read-ahead: items in order, prepared while the caller works, errors
where the plain loop would raise them, and no thread left behind when the caller stops."""

from __future__ import annotations

import threading
import time

import pytest

from graph_model.ingest.prepared_ahead import prepared_ahead


def _threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "prepared-ahead")


def test_items_come_back_prepared_and_in_order():
    assert list(prepared_ahead(range(50), lambda i: i * i)) == [i * i for i in range(50)]
    assert list(prepared_ahead([], lambda i: i)) == []


def test_the_next_item_is_prepared_while_the_caller_works_on_this_one():
    prepared_at: dict[int, float] = {}

    def prepare(i: int) -> int:
        prepared_at[i] = time.monotonic()
        return i

    handed_at = {}
    for i in prepared_ahead(range(3), prepare):
        handed_at[i] = time.monotonic()
        time.sleep(0.2)   # the caller's own work (a unit being applied)
    # item 1 was ready before the caller finished with item 0
    assert prepared_at[1] < handed_at[0] + 0.2
    assert prepared_at[2] < handed_at[1] + 0.2


def test_an_error_comes_where_its_item_would_have_been():
    def prepare(i: int) -> int:
        if i == 3:
            raise ValueError("item 3 is bad")
        return i

    got = []
    with pytest.raises(ValueError, match="item 3 is bad"):
        for i in prepared_ahead(range(10), prepare):
            got.append(i)
    assert got == [0, 1, 2]


def test_an_error_of_the_sequence_itself_reaches_the_caller():
    def items():
        yield 1
        raise RuntimeError("generator failed")

    with pytest.raises(RuntimeError, match="generator failed"):
        list(prepared_ahead(items(), lambda i: i))


def test_at_most_depth_items_wait_and_the_thread_ends_when_the_caller_stops():
    prepared = []

    def prepare(i: int) -> int:
        prepared.append(i)
        return i

    for i in prepared_ahead(range(1000), prepare, depth=2):
        if i == 1:
            time.sleep(0.3)   # let the thread fill what it may
            # handed out 0 and 1, two waiting, and one more being handed over at most
            assert len(prepared) <= 5
            break
    deadline = time.monotonic() + 2
    while _threads() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _threads() == 0
    assert len(prepared) <= 5
