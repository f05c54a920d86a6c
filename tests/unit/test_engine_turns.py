"""Reads share the engine, a write has it alone, and a waiting write is not starved."""

from __future__ import annotations

import threading

from graph_model.store.engine_turns import EngineTurns, for_engine


def _hold(ctx, entered: threading.Event, release: threading.Event):
    def run():
        with ctx():
            entered.set()
            release.wait(5)
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_reads_overlap_but_a_write_waits_for_them_and_they_for_it():
    turns = EngineTurns()
    r1, r2, w = threading.Event(), threading.Event(), threading.Event()
    go_reads, go_write = threading.Event(), threading.Event()
    a = _hold(turns.reading, r1, go_reads)
    b = _hold(turns.reading, r2, go_reads)
    assert r1.wait(2) and r2.wait(2)          # two reads at once
    c = _hold(turns.writing, w, go_write)
    assert not w.wait(0.2)                    # the write waits for the reads in flight
    late = threading.Event()
    d = _hold(turns.reading, late, go_reads)
    assert not late.wait(0.2)                 # a read after a waiting write goes after it
    go_reads.set()
    assert w.wait(2) and not late.is_set()    # the write alone
    go_write.set()
    assert late.wait(2)
    for t in (a, b, c, d):
        t.join(2)


def test_a_failed_write_or_read_gives_its_turn_back():
    turns = EngineTurns()
    for ctx in (turns.writing, turns.reading):
        try:
            with ctx():
                raise RuntimeError("refused")
        except RuntimeError:
            pass
    done = threading.Event()
    t = threading.Thread(target=lambda: (turns.writing().__enter__(), done.set()), daemon=True)
    t.start()
    assert done.wait(2)


def test_one_turns_object_per_engine_address():
    assert for_engine("/x/falkordb.sock") is for_engine("/x/falkordb.sock")
    assert for_engine("/x/falkordb.sock") is not for_engine("127.0.0.1:6379")
