"""The audit chain: appended with every change, verified, and tampering detected."""

from __future__ import annotations

import json
import threading

import pytest

from graph_model.errors import AuditChainBroken
from graph_model.ingest import manifest, parse
from graph_model.services import audit

from ..conftest import raw_write
from ..manifests import small


def _load(store):
    return manifest.ingest(store, parse.validate(small()), actor="tester")


def test_events_record_actor_reason_and_chain(store):
    s = _load(store)
    events = store.read("audit_events_page", after=0, limit=1000)
    assert len(events) == s.events == audit.verify(store)
    assert {e["actor"] for e in events} == {"tester"}
    assert {e["reason"] for e in events} == {"initial catalog"}
    assert events[0]["prev_hash"] == "" and events[1]["prev_hash"] == events[0]["hash"]
    created = [e for e in events if e["action"] == "artifact.create"]
    assert sorted(e["target"] for e in created) == ["deploy/churn-api", "features/user", "models/churn",
                                                   "raw/events"]


def test_tampered_event_is_named(store):
    _load(store)
    raw_write(store, "MATCH (e:AuditEvent {seq: 5}) SET e.reason = 'nothing to see'")
    with pytest.raises(AuditChainBroken) as info:
        audit.verify(store)
    assert info.value.seq == 5 and "no longer matches its hash" in str(info.value)


def test_removed_event_is_detected(store):
    n = _load(store).events
    raw_write(store, "MATCH (e:AuditEvent {seq: $seq}) DELETE e", {"seq": n})
    with pytest.raises(AuditChainBroken):
        audit.verify(store)
    _load(store)  # still a no-op: nothing changed in the graph itself


@pytest.mark.parametrize("page", [1000, 3])   # within a page, and at a page's edge
def test_an_event_stored_twice_never_passes(store, monkeypatch, page):
    """A second event with an existing number: Neo4j refuses it (a unique constraint);
    the embedded engine has none on this key (schema_setup says why), so verification
    must catch it wherever it sits in the walk."""
    _load(store)
    monkeypatch.setattr(audit, "PAGE", page)
    copy = ("MATCH (e:AuditEvent {seq: 3}) CREATE (:AuditEvent {seq: e.seq, hash: e.hash, "
            "prev_hash: e.prev_hash, actor: e.actor, action: e.action, target: e.target, "
            "target_kind: e.target_kind, reason: e.reason, at: e.at, changes: e.changes})")
    try:
        raw_write(store, copy)
    except Exception as e:   # the engine's own constraint
        assert store.backend == "neo4j", e
        assert audit.verify(store) == store.read("audit_head")[0]["seq"]
        return
    assert store.backend == "falkordb"
    with pytest.raises(AuditChainBroken) as info:
        audit.verify(store)
    assert info.value.seq == 3 and "stored twice" in str(info.value)


def test_rehashed_forgery_breaks_the_next_link(store):
    """Rewriting an event and its own hash still breaks the following event's link."""
    _load(store)
    ev = store.read("audit_events_page", after=2, limit=1)[0]
    forged = dict(ev, actor="mallory")
    forged["hash"] = audit.event_hash(forged)
    raw_write(store, "MATCH (e:AuditEvent {seq: 3}) SET e.actor = $a, e.hash = $h",
              {"a": "mallory", "h": forged["hash"]})
    with pytest.raises(AuditChainBroken) as info:
        audit.verify(store)
    assert info.value.seq == 4


def test_concurrent_writers_keep_one_chain(store):
    _load(store)
    errors = []

    def writer(i: int) -> None:
        try:
            for j in range(5):
                data = {"reason": f"writer {i}", "people": [{"id": f"p{i}-{j}", "name": f"P {i} {j}"}]}
                manifest.ingest(store, parse.validate(data), actor=f"w{i}")
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    n = audit.verify(store)
    people = store.read("count_nodes")
    assert {r["label"]: r["n"] for r in people}["Person"] == 4 + 20
    assert _load(store).events == 0  # re-loading the first manifest is a no-op
    assert audit.verify(store) == n


def test_a_new_versions_commit_and_run_are_recorded_in_its_event(store):
    s = _load(store)
    assert "commit.create" not in s.counts and "run.create" not in s.counts
    events = store.read("audit_events_page", after=0, limit=1000)
    v1 = next(e for e in events if e["target"] == "models/churn@1")
    details = json.loads(v1["changes"])
    assert details["commit"]["sha"] == "a1b2c3d4e5f6a7b8" and details["commit"]["author"] == "bo"
    assert details["run"] == {"id": "run-1", "status": "succeeded", "log_uri": "https://logs.example.com/run-1"}
    # a commit that arrives for an existing version is its own change
    more = manifest.ingest(store, parse.validate({"artifacts": [{"uid": "raw/events", "kind": "dataset", "versions": [
        {"version": "2026-11-20", "commit": {"sha": "c0ffee0c0ffee0", "author": "di"}}]}]}), actor="t")
    assert more.counts == {"commit.create": 1, "version.commit": 1}
