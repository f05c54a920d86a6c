"""An interrupted demo load is finished and equals an uninterrupted one (a fresh store per
test: these tests clear and reload it)."""

from __future__ import annotations

import pytest

from graph_model import demo
from graph_model.demo import load as demo_load
from graph_model.ingest import bulk
from graph_model.services import audit

from ..helpers import counts
from .test_demo_org import NOW, SIZE


@pytest.fixture
def loaded(store):
    result = demo_load.load(store, size=SIZE, seed=7, now=NOW, chunk_artifacts=120)
    return store, result, demo.demo_facts(size=SIZE, seed=7, now=NOW)


def test_an_interrupted_load_is_finished_and_equals_an_uninterrupted_one(loaded, store):
    """Two of the three chunks, then the rest from ``status``: the same graph and the
    same audit chain, hash for hash."""
    whole_head = store.read("audit_head")[0]
    whole = counts(store)
    store.clear()
    store.ensure_schema()
    units = list(demo.iter_demo_units(size=SIZE, seed=7, now=NOW, chunk_artifacts=120))
    bulk.ingest_dated(store, ((u.at_ms, u.manifest) for u in units[:2]), actor=demo_load.ACTOR)
    status = demo_load.status(store, 120)
    assert (status.state, status.done, status.total) == ("partial", 2, len(units))
    demo_load.load(store, size=20, seed=1, chunk_artifacts=120, resume=status)  # the recorded ones win
    assert store.read("audit_head")[0] == whole_head and counts(store) == whole
    assert demo_load.status(store, 120).state == "complete"
    # cut in the history phase, resumed with another chunk size: only the rest is applied
    store.clear()
    store.ensure_schema()
    bulk.ingest_dated(store, ((u.at_ms, u.manifest) for u in units[:4]), actor=demo_load.ACTOR)
    status = demo_load.status(store, 2000)
    assert (status.state, status.done) == ("partial", 4)
    demo_load.load(store, size=SIZE, seed=7, chunk_artifacts=2000, resume=status)
    assert store.read("audit_head")[0] == whole_head
    audit.verify(store)


def test_a_store_with_other_data_is_not_taken_for_a_demo(store):
    from ..manifests import small
    from graph_model.ingest import manifest, parse
    assert demo_load.status(store, 120).state == "empty"
    manifest.ingest(store, parse.validate(small()))
    assert demo_load.status(store, 120).state == "other"
