"""The home page's overview kept per audit head: between writes it is not read again;
a write, a minute or an emptied and refilled store makes it read afresh. Both engines."""

from __future__ import annotations

from graph_model.ingest import manifest, parse
from graph_model.services import overview, overview_cache


def _counting(store, monkeypatch) -> list[str]:
    """The overview's reads made from now on (the audit-head read excluded)."""
    seen: list[str] = []
    real = type(store).read

    def read(self, name, **params):
        if name != "audit_head":
            seen.append(name)
        return real(self, name, **params)

    monkeypatch.setattr(store, "read", read.__get__(store))
    return seen


def _add(store, uid: str) -> None:
    manifest.ingest(store, parse.validate({"artifacts": [{"uid": uid, "kind": "model"}]}), actor="t")


def test_between_writes_the_overview_is_kept_and_a_write_refreshes_it(store, monkeypatch):
    _add(store, "ml/one")
    first = overview_cache.cached_overview(store, 10)
    assert first == overview.overview(store, 10) and first["counts"]["model"] == 1
    seen = _counting(store, monkeypatch)
    assert overview_cache.cached_overview(store, 10) is first
    assert seen == []
    _add(store, "ml/two")
    after = overview_cache.cached_overview(store, 10)
    assert after["counts"]["model"] == 2 and "counts_by_kind" in seen


def test_a_kept_overview_is_read_again_after_a_minute(store, monkeypatch):
    _add(store, "ml/one")
    clock = [1_000_000]
    monkeypatch.setattr(overview_cache, "now_ms", lambda: clock[0])
    first = overview_cache.cached_overview(store, 10)
    seen = _counting(store, monkeypatch)
    clock[0] += overview_cache.MAX_AGE_MS - 1
    assert overview_cache.cached_overview(store, 10) is first and seen == []
    clock[0] += 1
    assert overview_cache.cached_overview(store, 10) == first and "counts_by_kind" in seen


def test_an_emptied_and_refilled_store_is_not_answered_from_before(store):
    _add(store, "ml/one")
    assert overview_cache.cached_overview(store, 10)["counts"]["model"] == 1
    store.clear()
    store.ensure_schema()
    # the same number of events, other content: the head's hash differs
    manifest.ingest(store, parse.validate({"artifacts": [{"uid": "raw/one", "kind": "dataset"}]}), actor="t")
    again = overview_cache.cached_overview(store, 10)
    assert again["counts"]["model"] == 0 and again["counts"]["dataset"] == 1


def test_each_limit_is_kept_apart(store):
    manifest.ingest(store, parse.validate({"artifacts": [
        {"uid": f"ml/m{i}", "kind": "model", "versions": [{"version": "1"}]} for i in range(3)]}), actor="t")
    one, ten = overview_cache.cached_overview(store, 1), overview_cache.cached_overview(store, 10)
    assert len(one["recent"]) == 1 and len(ten["recent"]) == 3
    assert overview_cache.cached_overview(store, 1) is one
