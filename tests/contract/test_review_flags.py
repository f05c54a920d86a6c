"""``review_overdue`` on the artifact card, the incident answer and the hotspot ranking,
on both backends: a primary ownership that began more than ``REVIEW_DAYS`` before T and
was never confirmed is flagged; one confirmed since is not; a young one is not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from graph_model.ingest import manifest, parse
from graph_model.schema import to_epoch_ms
from graph_model.services import access, artifact_flags, hotspots, incident, recorded_reviews, reviews, risk

from ..analysis_manifests import NOW

NOW_MS = to_epoch_ms(NOW)
DAY_MS = 86_400_000


def _art(uid, kind, owner, upstream=()):
    return {"uid": uid, "kind": kind, "owner": owner, "stewards": ["bo"], "team": "t",
            "description": "d", "links": {"runbook": "https://runbooks.example.com/x"},
            "versions": [{"version": "1", "created_at": (NOW - timedelta(days=1)).isoformat(),
                          "derived_from": [{"uid": f"{u}@1", "relation": "input"} for u in upstream]}]}


@pytest.fixture
def answers(store):
    people = [{"id": "ana", "name": "Ana"}, {"id": "bo", "name": "Bo"}, {"id": "cy", "name": "Cy"}]
    old = parse.validate({"people": people, "teams": [{"id": "t", "name": "T", "members": ["ana"]}],
                          "artifacts": [_art("data/old", "dataset", "ana"),
                                        _art("data/confirmed", "dataset", "cy")]})
    manifest.ingest(store, old, actor="tester", at=NOW_MS - (risk.REVIEW_DAYS + 5) * DAY_MS)
    young = parse.validate({"artifacts": [_art("models/m", "model", "ana", ["data/old", "data/confirmed"])]})
    manifest.ingest(store, young, actor="tester", at=NOW_MS - 10 * DAY_MS)
    # cy confirms (now, which is well after data/confirmed's ownership began)
    reviews.confirm(store, access.Principal(person="cy", scopes=frozenset({"write"}), via="token"),
                    "data/confirmed")
    inc = incident.incident(store, "models/m", as_of=NOW_MS)
    hot = hotspots.hotspots(store, limit=500, now_ms=NOW_MS)
    got = {"incident": {i["uid"]: set(i["flags"]) for i in [inc["artifact"], *inc["upstream"]]},
           "hotspots": {r["uid"]: set(r["components"]["risk"]) for r in hot["artifacts"]},
           "card": {u: set(artifact_flags.card_flags(store, u, NOW_MS))
                    for u in ("data/old", "data/confirmed", "models/m")}}
    return got


def test_overdue_unconfirmed_owner_is_flagged_everywhere(answers):
    for name, by_uid in answers.items():
        assert "review_overdue" in by_uid["data/old"], name


def test_confirmed_and_young_ownerships_are_not(answers):
    for name, by_uid in answers.items():
        assert "review_overdue" not in by_uid.get("data/confirmed", set()), name
        assert "review_overdue" not in by_uid.get("models/m", set()), name


def test_hotspot_points_and_reason(store, answers):
    hot = hotspots.hotspots(store, limit=500, now_ms=NOW_MS)
    row = next(r for r in hot["artifacts"] if r["uid"] == "data/old")
    assert row["components"]["risk"]["review_overdue"] == risk.points("review_overdue")
    assert "ownership review is overdue" in row["explanation"]


def test_the_rule_at_its_boundary():
    since = NOW_MS - risk.REVIEW_DAYS * DAY_MS
    assert not risk.review_overdue(since, None, NOW_MS)           # due exactly now: not yet past
    assert risk.review_overdue(since - 1, None, NOW_MS)
    assert not risk.review_overdue(since - 1, NOW_MS - DAY_MS, NOW_MS)   # confirmed yesterday
    assert not risk.review_overdue(None, None, NOW_MS)            # no ownership to review


@pytest.fixture
def reviewed(store):
    """Three tier-1 models under the built-in cadences (drift 30, performance 90, bias 180
    days): one with every review recent and passed, one whose drift review failed, one
    with none recorded; all upstream of ``deploy/d``."""
    people = [{"id": "ana", "name": "Ana"}, {"id": "bo", "name": "Bo"}]
    arts = []
    for uid in ("models/ok", "models/failed", "models/never"):
        a = _art(uid, "model", "ana")
        a["tags"] = ["tier-1"]
        arts.append(a)
    arts.append(_art("deploy/d", "deployment", "ana", ["models/ok", "models/failed", "models/never"]))
    m = parse.validate({"people": people, "teams": [{"id": "t", "name": "T", "members": ["ana"]}],
                        "artifacts": arts})
    manifest.ingest(store, m, actor="tester", at=NOW_MS - 10 * DAY_MS)
    op = access.cli_principal("op")
    for uid, failed_kind in (("models/ok", None), ("models/failed", "drift")):
        for kind in ("drift", "performance", "bias"):
            recorded_reviews.record(store, op, artifact=uid, kind=kind, at=NOW_MS - 2 * DAY_MS,
                                    outcome="fail" if kind == failed_kind else "pass")
    inc = incident.incident(store, "deploy/d", as_of=NOW_MS)
    hot = hotspots.hotspots(store, limit=500, now_ms=NOW_MS)
    return {"incident": {i["uid"]: set(i["flags"]) for i in [inc["artifact"], *inc["upstream"]]},
            "hotspots": {r["uid"]: set(r["components"]["risk"]) for r in hot["artifacts"]},
            "card": {u: set(artifact_flags.card_flags(store, u, NOW_MS))
                     for u in ("models/ok", "models/failed", "models/never")}}


def test_recorded_review_flags_in_every_answer(reviewed):
    for name, by_uid in reviewed.items():
        assert not {"recorded_review_overdue", "recorded_review_failed"} & by_uid.get("models/ok", set()), name
        assert "recorded_review_failed" in by_uid["models/failed"], name
        assert "recorded_review_overdue" not in by_uid["models/failed"], name
        assert "recorded_review_overdue" in by_uid["models/never"], name
        assert "recorded_review_failed" not in by_uid["models/never"], name
    # the deployment is in no cadence's scope
    assert not {"recorded_review_overdue", "recorded_review_failed"} & reviewed["incident"]["deploy/d"]


def test_the_policy_in_force_decides_the_cadences(store, tmp_path, monkeypatch):
    manifest.ingest(store, parse.validate({"people": [{"id": "ana", "name": "Ana"}, {"id": "bo", "name": "Bo"}],
                                           "teams": [{"id": "t", "name": "T", "members": ["ana"]}],
                                           "artifacts": [dict(_art("models/x", "model", "ana"), tags=["tier-1"])]}),
                    actor="tester", at=NOW_MS - 10 * DAY_MS)
    assert "recorded_review_overdue" in artifact_flags.card_flags(store, "models/x", NOW_MS)
    off = tmp_path / "policy.yaml"
    off.write_text("reviews: []\n")
    monkeypatch.setenv("OWNERGRAPH_POLICY", str(off))
    assert "recorded_review_overdue" not in artifact_flags.card_flags(store, "models/x", NOW_MS)
    off.write_text("reviews:\n  - {kind: security, every_days: 7, scope: {namespaces: [models]}}\n")
    import os
    os.utime(off, (1, 1))                          # a new modification time: read again
    assert "recorded_review_overdue" in artifact_flags.card_flags(store, "models/x", NOW_MS)
