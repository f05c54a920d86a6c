"""The hotspot ranking kept per audit head, on both backends.

Each test counts computations through the cache's ``computations`` counter, with the
real ``hotspots.rank`` doing the work; the clock is a list the test moves by hand so the
60 s bound and the 10 s gap are exercised without waiting for them.
"""

from __future__ import annotations

import threading

import pytest

from graph_model.errors import BadParameter
from graph_model.ingest import manifest, parse
from graph_model.services import hotspot_cache, hotspots

from ..analysis_manifests import risky


class Clock:
    """Epoch ms that only moves when the test says so."""

    def __init__(self, start: int) -> None:
        self.now = start

    def __call__(self) -> int:
        return self.now


def _describe(store, uid: str, text: str) -> int:
    """One audited write; the event time is the clock's (returns it)."""
    kind = store.read("artifact_summaries", uids=[uid])[0]["kind"]
    summary = manifest.ingest(store, parse.validate({"artifacts": [{"uid": uid, "kind": kind,
                                                                    "description": text}]}), actor="tester")
    assert summary.changed
    return summary.last_seq


@pytest.fixture
def loaded(store):
    manifest.ingest(store, parse.validate(risky()), actor="tester")
    return store


@pytest.fixture
def cache(loaded):
    # the cache's clock starts 20 s in the past, so its first computation "ended" then;
    # no watcher, so every computation here is started by a request
    return hotspot_cache.HotspotCache(loaded, clock=Clock(hotspots.clock_ms() - 20_000), poll_ms=None)


def test_a_second_request_does_not_recompute(cache):
    first, age1 = cache.get()
    second, age2 = cache.get()
    assert cache.computations == 1 and second is first and age1 == age2 == 0
    assert first.audit_seq == int(cache.store.read("audit_head")[0]["seq"]) > 0


def test_a_write_serves_the_old_ranking_while_the_new_one_is_computed(cache):
    old, _ = cache.get()
    write_at = hotspots.clock_ms()
    new_seq = _describe(cache.store, "raw/clicks", "changed")
    cache._clock.now = write_at + 5_000             # the write happened 5 s ago
    served, age = cache.get()
    assert served is old and served.audit_seq < new_seq
    assert 0 < age <= 60 and age == pytest.approx(5, abs=1)
    assert cache.computations == 2                  # started in the background, not per request
    served_again, _ = cache.get()
    assert cache.computations == 2 and served_again in (old, cache._current)
    assert cache.wait_idle(60)
    fresh, age = cache.get()
    assert fresh.audit_seq == new_seq and age == 0 and cache.computations == 2


def test_beyond_the_bound_the_request_waits_for_the_new_ranking(cache):
    old, _ = cache.get()
    write_at = hotspots.clock_ms()
    new_seq = _describe(cache.store, "raw/clicks", "changed")
    cache._clock.now = write_at + 61_000            # the graph moved on 61 s ago
    served, age = cache.get()
    assert served is not old and served.audit_seq == new_seq and age == 0
    assert cache.computations == 2


def test_a_stream_of_writes_costs_one_computation_per_gap(cache):
    cache.get()
    for i in range(4):                              # four writes within the 10 s gap
        write_at = hotspots.clock_ms()
        _describe(cache.store, "raw/clicks", f"write {i}")
        cache._clock.now = max(cache._clock.now, write_at) + 1_000
        cache.get()
        cache.wait_idle(60)
    # the first write started one computation; the others fell inside the gap after it
    assert cache.computations == 2
    cache._clock.now += cache.min_gap_ms
    cache.get()
    cache.wait_idle(60)
    assert cache.computations == 3
    assert cache.get()[0].audit_seq == int(cache.store.read("audit_head")[0]["seq"])


def test_concurrent_cold_requests_share_one_computation(loaded):
    release, entered = threading.Event(), threading.Event()

    def slow_rank(store):
        entered.set()
        release.wait(30)
        return hotspots.rank(store)

    cache = hotspot_cache.HotspotCache(loaded, compute=slow_rank, poll_ms=None)
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(cache.get())) for _ in range(8)]
    for t in threads:
        t.start()
    assert entered.wait(30)
    release.set()
    for t in threads:
        t.join(60)
    assert cache.computations == 1 and len(results) == 8
    assert len({id(r) for r, _ in results}) == 1


def test_a_failed_computation_reaches_the_waiting_request_and_the_next_one_retries(loaded):
    calls = []

    def flaky(store):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("engine went away")
        return hotspots.rank(store)

    cache = hotspot_cache.HotspotCache(loaded, compute=flaky, poll_ms=None)
    with pytest.raises(RuntimeError, match="engine went away"):
        cache.get()
    ranking, age = cache.get()
    assert len(ranking.scored) == 16 and cache.computations == 2 and age == 0


def test_the_watcher_scores_a_write_before_anyone_asks_again(loaded):
    cache = hotspot_cache.HotspotCache(loaded, poll_ms=50, min_gap_ms=0)
    try:
        first, _ = cache.get()
        new_seq = _describe(loaded, "raw/clicks", "changed")
        deadline = hotspots.clock_ms() + 30_000
        while cache.computations < 2 and hotspots.clock_ms() < deadline:
            threading.Event().wait(0.05)
        assert cache.computations == 2 and cache.wait_idle(60)
        assert cache._current.audit_seq == new_seq      # no request was needed
        assert cache.get() == (cache._current, 0.0) and cache.computations == 2
    finally:
        cache.close()


def test_the_servers_own_ask_computes_but_keeps_no_watcher(loaded):
    cache = hotspot_cache.HotspotCache(loaded, poll_ms=20, min_gap_ms=0)
    try:
        with hotspot_cache.unwatched():
            first, age = cache.get()
        assert age == 0.0 and cache.computations == 1 and not cache.watching
        _describe(loaded, "raw/clicks", "changed while nobody looks")
        threading.Event().wait(0.5)   # 25 polls, had a watcher been started
        assert cache.computations == 1 and cache._current is first
        again, _ = cache.get()            # a reader asks: the ranking lags, the watcher starts
        assert again is first and cache.watching
    finally:
        cache.close()


def test_a_replaced_log_is_not_taken_for_a_short_lag(cache):
    old, _ = cache.get()
    loaded = cache.store
    loaded.clear()
    loaded.ensure_schema()
    manifest.ingest(loaded, parse.validate(risky()), actor="tester")
    new_seq = _describe(loaded, "raw/clicks", "changed")    # the new log is one event longer
    assert new_seq == old.audit_seq + 1
    cache._clock.now = hotspots.clock_ms()                    # event old_seq + 1 is a second old
    served, age = cache.get()
    # that event does not link to the old ranking's head: the lag is unknown, so wait
    assert served is not old and served.audit_seq == new_seq and age == 0 and cache.computations == 2


def test_cached_answers_equal_fresh_ones_and_say_how_fresh(loaded):
    hotspot_cache.forget(loaded)
    try:
        with pytest.raises(BadParameter):
            hotspot_cache.cached_hotspots(loaded, limit=0)
        assert hotspot_cache.for_store(loaded).computations == 0     # refused before scoring
        cached = hotspot_cache.cached_hotspots(loaded, limit=500)
        again = hotspot_cache.cached_hotspots(loaded, limit=500, kind="model")
        assert hotspot_cache.for_store(loaded).computations == 1
        fresh = hotspots.hotspots(loaded, limit=500)
        assert cached["audit_seq"] == fresh["audit_seq"] > 0 and cached["age_s"] == 0
        assert cached["computed_at"] <= fresh["computed_at"]
        assert cached["artifacts"] == fresh["artifacts"] and cached["people"] == fresh["people"]
        assert again["artifacts"] == [r for r in fresh["artifacts"] if r["kind"] == "model"]
    finally:
        hotspot_cache.forget(loaded)


def test_derived_answers_are_remembered_with_the_ranking(cache):
    calls = []

    def work():
        calls.append(1)
        return len(calls)

    assert cache.memo(("k",), work) == 1 and calls == [1]     # no ranking yet: not kept
    cache.get()
    assert cache.memo(("k",), work) == 2 and cache.memo(("k",), work) == 2 and len(calls) == 2
    write_at = hotspots.clock_ms()
    _describe(cache.store, "raw/clicks", "changed")
    cache._clock.now = write_at + 61_000                      # forces the new ranking now
    cache.get()
    assert cache.memo(("k",), work) == 3                      # a new ranking forgets it


def test_cached_dependents_equal_the_store_read(loaded):
    hotspot_cache.forget(loaded)
    try:
        hotspot_cache.cached_hotspots(loaded)
        uids = ["raw/clicks", "features/clicks"]
        from graph_model.services import overview
        assert hotspot_cache.cached_dependents(loaded, uids, 8) == overview.dependents_of(loaded, uids, 8)
    finally:
        hotspot_cache.forget(loaded)
