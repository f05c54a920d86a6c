"""The demo organisation loaded into each backend: counts, known facts, incident answers."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from graph_model import demo
from graph_model.ingest import bulk
from graph_model.services import artifacts, audit
from graph_model.services.incident import incident

from ..helpers import counts

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
T_NOW = int(NOW.timestamp() * 1000)
LOADED = T_NOW - 90 * 86_400_000  # ownership is recorded before the versions it covers
SIZE = 300


@pytest.fixture(scope="module")
def loaded(module_store):
    """Loaded once per backend; the tests read, and the one that loads again changes nothing."""
    store = module_store
    result = bulk.ingest_chunks(store, demo.iter_demo_chunks(size=SIZE, seed=7, now=NOW, chunk_artifacts=120),
                                actor="demo", at=LOADED)
    return store, result, demo.demo_facts(size=SIZE, seed=7, now=NOW)


def test_counts_match_the_generated_organisation(loaded):
    store, result, facts = loaded
    c = counts(store)
    assert result.chunks == 3
    assert c["Artifact"] == facts.counts["artifacts"]
    assert c["Version"] == facts.counts["versions"]
    assert c["Person"] == facts.counts["people"] and c["Team"] == facts.counts["teams"]
    assert c["Commit"] == facts.counts["commits"] and c["Run"] == facts.counts["runs"]
    assert c["-DERIVED_FROM-"] == facts.counts["derived_from"]
    assert c["AuditEvent"] == result.events == audit.verify(store)


def test_loading_again_changes_nothing(loaded):
    store, _, _ = loaded
    before = counts(store)
    again = bulk.ingest_chunks(store, demo.iter_demo_chunks(size=SIZE, seed=7, now=NOW, chunk_artifacts=120))
    assert again.events == 0 and counts(store) == before


def test_known_facts_hold_in_the_graph(loaded):
    store, _, facts = loaded
    for uid in facts.sole_owner_artifacts:
        card = artifacts.show(store, uid)
        assert card["owner"]["id"] == facts.sole_owner and card["stewards"] == []
    for uid in facts.inactive_owner_artifacts:
        card = artifacts.show(store, uid)
        assert card["owner"]["id"] == facts.inactive_owner and card["owner"]["active"] is False
    for uid in facts.no_owner_artifacts:
        assert artifacts.show(store, uid)["owner"] is None


def test_incident_on_the_failing_deployment(loaded):
    store, _, facts = loaded
    a = incident(store, facts.failing_deployment, as_of=T_NOW)
    assert a["artifact"]["uid"] == facts.failing_deployment
    upstream = {u["uid"]: u for u in a["upstream"]}
    assert upstream[facts.failing_model]["distance"] == 1
    assert "recent_change" in upstream[facts.recent_change]["flags"]
    paged = {e["person"]["id"] for e in a["page"]}
    assert facts.inactive_owner not in paged
    assert a["page"][0]["reasons"][0] == f"primary owner of {facts.failing_deployment}"
    assert a["truncated"] is False
    recent_owner = upstream[facts.recent_change]["owner"]
    if recent_owner and recent_owner["active"]:
        order = [e["person"]["id"] for e in a["page"]]
        others = [u["owner"]["id"] for u in a["upstream"]
                  if not u["recent_change"] and u["owner"] and u["owner"]["active"]
                  and u["owner"]["id"] not in order[:order.index(recent_owner["id"])]]
        assert all(order.index(recent_owner["id"]) < order.index(o) for o in others if o in order)
