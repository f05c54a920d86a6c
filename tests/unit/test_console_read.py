"""The console's pure parts: the LIMIT wrapper, column order, the bounded reply reader
(fed by a socket pair, bytes as a server sends them) and the gate."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from graph_model.errors import Busy
from graph_model.services.console_gate import ConsoleGate, default_concurrency
from graph_model.store.console_read import ReplyTooLarge, _Reader, column_order, return_items, wrap


def test_wrap_keeps_a_trailing_comment_from_eating_the_brace():
    assert wrap("MATCH (n) RETURN n // all", 11) == "CALL {\nMATCH (n) RETURN n // all\n} RETURN * LIMIT 11"


@pytest.mark.parametrize("text, names", [
    ("MATCH p=(a)-[r]->(b) RETURN DISTINCT p, r, a ORDER BY a.x LIMIT 3", ["p", "r", "a"]),
    ("UNWIND range(1, 5) AS x RETURN x * 2 AS double, x, 'k, v' AS const", ["double", "x", "const"]),
    ("MATCH (a) RETURN a.id, count(*), [x IN range(1, 3) | x] AS l, {a: 1, b: 'x,y'} AS m SKIP 1",
     ["a.id", "count(*)", "l", "m"]),
    ("MATCH (a) RETURN a.id AS `odd name`, a", ["odd name", "a"]),
    ("CALL db.labels()", []),
])
def test_return_items(text, names):
    assert return_items(text) == names


def test_column_order_puts_alphabetical_columns_back():
    assert column_order("MATCH p=(a)-[r]->(b) RETURN p, r, a", ["a", "p", "r"]) == [1, 2, 0]
    assert column_order("RETURN 1 AS b, 2 AS a", ["a", "b"]) == [1, 0]
    assert column_order("RETURN 1 AS b", ["a", "b"]) == [1, 0]   # unknown names go last


def _reader_over(payload: bytes, budget: int = 1 << 20, max_values: int = 1000) -> _Reader:
    ours, theirs = socket.socketpair()

    def send():
        try:
            theirs.sendall(payload)
        except OSError:
            pass   # the reader stopped early and closed its end: what a budget does
        finally:
            theirs.close()
    threading.Thread(target=send, daemon=True).start()
    return _Reader(ours, budget, time.monotonic() + 5, max_values)


def test_reader_parses_nested_replies_without_recursion():
    deep = b"*1\r\n" * 5000 + b":7\r\n"
    value = _reader_over(deep, max_values=10_000).value()
    for _ in range(5000):
        value = value[0]
    assert value == 7
    r = _reader_over(b"*4\r\n$3\r\nabc\r\n$-1\r\n+OK\r\n-ERR boom\r\n")
    got = r.value()
    assert got[:3] == ["abc", None, "OK"] and str(got[3]) == "ERR boom"


def test_reader_stops_at_its_byte_and_value_budgets():
    many = b"*100000\r\n" + b":1\r\n" * 100_000
    with pytest.raises(ReplyTooLarge):
        _reader_over(many, budget=1 << 16, max_values=10**6).value()
    with pytest.raises(ReplyTooLarge):
        _reader_over(many, budget=1 << 22, max_values=1000).value()
    assert len(_reader_over(many, budget=1 << 22, max_values=10**6).value()) == 100_000


def test_gate_admits_queues_and_refuses():
    gate = ConsoleGate(concurrency=1, queue=1)
    release = threading.Event()
    entered = threading.Event()

    def hold():
        with gate.slot(time.monotonic() + 10):
            entered.set()
            release.wait(5)
    t = threading.Thread(target=hold)
    t.start()
    entered.wait(5)
    waiter_out = {}

    def wait_for_slot():
        with gate.slot(time.monotonic() + 10) as waited:
            waiter_out["waited"] = waited
    w = threading.Thread(target=wait_for_slot)
    w.start()
    deadline = time.monotonic() + 5
    while gate.in_use() != (1, 1) and time.monotonic() < deadline:
        time.sleep(0.005)
    with pytest.raises(Busy) as e:
        with gate.slot(time.monotonic() + 10):
            pass
    assert 1 <= e.value.retry_after <= 10
    time.sleep(0.2)
    release.set()
    t.join(5)
    w.join(5)
    assert waiter_out["waited"] >= 0.2 and gate.in_use() == (0, 0)


def test_default_concurrency_is_half_the_cores():
    assert [default_concurrency(n) for n in (1, 2, 4, 16)] == [1, 1, 2, 8]


def test_the_console_pause_doubles_with_each_stop_within_the_hour():
    gate = ConsoleGate(1)
    assert [gate.pause(60, "stopped") for _ in range(8)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    with pytest.raises(Busy) as paused:
        with gate.slot(time.monotonic() + 5):
            pass
    assert "paused" in str(paused.value) and 3500 < paused.value.retry_after <= 3600
