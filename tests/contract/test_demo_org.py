"""The demo organisation loaded into each backend: counts, known facts, incident answers,
its 90 days of ownership history, and an interrupted load finished."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from graph_model import demo
from graph_model.demo import load as demo_load
from graph_model.ingest import bulk
from graph_model.services import artifacts, audit
from graph_model.services.history import history, owners_as_of
from graph_model.services.incident import incident

from ..helpers import counts

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
T_NOW = int(NOW.timestamp() * 1000)
DAY_MS = 86_400_000
LOADED = T_NOW - 90 * DAY_MS  # the organisation is loaded as it was 90 days ago
SIZE = 300


@pytest.fixture(scope="module")
def loaded(module_store):
    """Loaded once per backend; the tests read, and the one that loads again changes nothing."""
    store = module_store
    result = demo_load.load(store, size=SIZE, seed=7, now=NOW, chunk_artifacts=120)
    return store, result, demo.demo_facts(size=SIZE, seed=7, now=NOW)


def test_counts_match_the_generated_organisation(loaded):
    store, result, facts = loaded
    c = counts(store)
    assert result.chunks == 3 + len(demo.demo_history(SIZE, 7, NOW))
    assert c["Artifact"] == facts.counts["artifacts"]
    assert c["Version"] == facts.counts["versions"]
    assert c["Person"] == facts.counts["people"] and c["Team"] == facts.counts["teams"]
    assert c["Commit"] == facts.counts["commits"] and c["Run"] == facts.counts["runs"]
    assert c["-DERIVED_FROM-"] == facts.counts["derived_from"]
    assert c["AuditEvent"] == result.events == audit.verify(store)


def test_loading_again_changes_nothing(loaded):
    store, _, _ = loaded
    before = counts(store)
    # the organisation as it is now, as one manifest: the history led exactly there
    again = bulk.ingest_chunks(store, demo.iter_demo_chunks(size=SIZE, seed=7, now=NOW, chunk_artifacts=120))
    assert again.events == 0 and counts(store) == before
    status = demo_load.status(store, 120)
    assert (status.state, status.size, status.seed, status.now) == ("complete", SIZE, 7, NOW)


def test_the_audit_log_is_in_time_order_and_dated_in_the_past(loaded):
    store, _, _ = loaded
    events = store.read("audit_events_page", after=0, limit=100_000)
    times = [e["at"] for e in events]
    assert times == sorted(times) and times[0] == LOADED and times[-1] < T_NOW
    assert len(set(times)) == 1 + len(demo.demo_history(SIZE, 7, NOW))


def test_ownership_has_ninety_days_of_history(loaded):
    """The production deployment changed hands 21 days ago and got its deputy 7 days
    ago; its former owner moved team 45 days ago; the labels' owner left 14 days ago."""
    store, _, facts = loaded
    dep = facts.failing_deployment
    now_owners = owners_as_of(store, dep, T_NOW)
    then = owners_as_of(store, dep, T_NOW - 30 * DAY_MS)
    assert now_owners["primary"]["id"] != then["primary"]["id"]
    assert then["stewards"] == [] and len(now_owners["stewards"]) == 1
    assert owners_as_of(store, dep, LOADED - DAY_MS)["primary"] is None   # before the load
    past = incident(store, dep, as_of=T_NOW - 30 * DAY_MS)
    assert past["artifact"]["owner"]["id"] == then["primary"]["id"]
    assert past["page"][0]["person"]["id"] == then["primary"]["id"]
    assert incident(store, dep, as_of=T_NOW)["page"][0]["person"]["id"] == now_owners["primary"]["id"]

    h = history(store, dep)
    people = [(e["id"], e["role"], e["until"] is None) for e in h["ownership"] if e["holder"] == "person"]
    assert people == [(then["primary"]["id"], "primary", False),
                      (now_owners["primary"]["id"], "primary", True),
                      (now_owners["stewards"][0]["id"], "steward", True)]
    assert [e["reason"] for e in h["ownership"] if e["holder"] == "person"][1].startswith("handover: ")
    actions = [e["action"] for e in h["audit"] if e["reason"].startswith(("handover", "new steward"))]
    assert actions == ["ownership.close", "ownership.open", "ownership.open"]

    leaver = artifacts.show(store, facts.inactive_owner_artifacts[0])["owner"]
    assert leaver["id"] == facts.inactive_owner and leaver["active"] is False
    held_then = owners_as_of(store, facts.inactive_owner_artifacts[0], T_NOW - 30 * DAY_MS)
    assert held_then["primary"]["id"] == facts.inactive_owner


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
                  and u["owner"]["id"] not in order[:order.index(recent_owner["id"]) + 1]]
        assert all(order.index(recent_owner["id"]) < order.index(o) for o in others if o in order)
