"""Checkpoints catch what the hash chain alone cannot, on both engines: a truncated tail
and a full rewrite (an edited event with every later hash recomputed)."""

from __future__ import annotations

import pytest

from graph_model.errors import AuditChainBroken, BadParameter
from graph_model.ingest import manifest, parse
from graph_model.services import audit, audit_anchor
from tests.conftest import raw_write
from tests.manifests import small


@pytest.fixture
def logged(store):
    manifest.ingest(store, parse.validate(small()), actor="test")
    return store


def _events(store) -> list[dict]:
    return store.read("audit_events_page", after=0, limit=100_000)


def test_a_growing_log_extends_its_checkpoint(logged):
    cp = audit_anchor.checkpoint(logged)
    assert cp["seq"] == len(_events(logged)) and cp["hash"] == _events(logged)[-1]["hash"]
    manifest.ingest(logged, parse.validate({"artifacts": [{"uid": "models/churn", "kind": "model",
                                                            "description": "later"}]}), actor="test")
    assert audit_anchor.verify(logged, cp) == cp["seq"] + 1
    assert audit_anchor.verify(logged, audit_anchor.parse('{"format": "%s", "seq": 0, "hash": ""}'
                                                          % audit_anchor.FORMAT, "f")) == cp["seq"] + 1


def test_a_truncated_tail_passes_the_chain_but_not_the_checkpoint(logged):
    cp = audit_anchor.checkpoint(logged)
    last, before = _events(logged)[-1], _events(logged)[-2]
    raw_write(logged, "MATCH (e:AuditEvent {seq: $seq}) DELETE e", {"seq": last["seq"]})
    raw_write(logged, "MATCH (h:AuditHead {id: 'audit'}) SET h.seq = $seq, h.hash = $hash",
              {"seq": before["seq"], "hash": before["hash"]})
    assert audit.verify(logged) == cp["seq"] - 1          # the chain alone cannot tell
    with pytest.raises(AuditChainBroken) as e:
        audit_anchor.verify(logged, cp)
    assert e.value.seq == cp["seq"] and "tail was removed" in str(e.value)


def test_a_full_rewrite_passes_the_chain_but_not_the_checkpoint(logged):
    cp = audit_anchor.checkpoint(logged)
    events = _events(logged)
    prev = events[1]["prev_hash"]
    for i, ev in enumerate(events[1:], start=1):          # edit event 2, re-hash everything after it
        ev = dict(ev, prev_hash=prev)
        if i == 1:
            ev["actor"] = "someone else"
        ev["hash"] = prev = audit.event_hash(ev)
        raw_write(logged, "MATCH (e:AuditEvent {seq: $seq}) SET e.actor = $actor, e.prev_hash = $prev, e.hash = $hash",
                  {"seq": ev["seq"], "actor": ev["actor"], "prev": ev["prev_hash"], "hash": ev["hash"]})
    raw_write(logged, "MATCH (h:AuditHead {id: 'audit'}) SET h.hash = $hash", {"hash": prev})
    assert audit.verify(logged) == cp["seq"]              # the chain alone cannot tell
    with pytest.raises(AuditChainBroken) as e:
        audit_anchor.verify(logged, cp)
    assert e.value.seq == cp["seq"] and "rewritten" in str(e.value)


def test_a_checkpoint_file_must_be_one(logged):
    for text in ("not json", "[]", '{"seq": 3, "hash": "x"}', '{"format": "%s", "seq": "3", "hash": "x"}'
                 % audit_anchor.FORMAT):
        with pytest.raises(BadParameter):
            audit_anchor.parse(text, "cp.json")
