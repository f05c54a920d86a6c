"""``review_overdue`` on the artifact card, the incident answer and the hotspot ranking,
on both backends: a primary ownership that began more than ``REVIEW_DAYS`` before T and
was never confirmed is flagged; one confirmed since is not; a young one is not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from graph_model.ingest import manifest, parse
from graph_model.schema import to_epoch_ms
from graph_model.services import access, artifact_flags, hotspots, incident, reviews, risk

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
