"""Past incidents count in hotspots, on both backends: each incident record of an
artifact failing, opened in the 90 days before the ranking, adds 0.5 risk points, up to
2.0; the upstream set of the record does not count."""

from __future__ import annotations

import pytest

from graph_model.clock import DAY_MS, now_ms
from graph_model.ingest import manifest, parse
from graph_model.services import hotspots, incident_records, risk
from graph_model.services.access import Principal

from ..manifests import small

BO = Principal(person="bo", scopes=frozenset({"read", "write"}), via="token", token="t")


def _row(store, uid: str, at: int) -> dict | None:
    """``uid``'s hotspot row (None: it has no risk at all, so it is not ranked)."""
    return next((r for r in hotspots.hotspots(store, limit=500, now_ms=at)["artifacts"] if r["uid"] == uid), None)


def _open(store, uid: str, n: int = 1) -> None:
    for i in range(n):
        incident_records.open_incident(store, BO, artifact=uid, version=None, title=f"failure {i}", severity="sev3")


def test_an_artifact_that_keeps_failing_ranks_higher(store):
    manifest.ingest(store, parse.validate(small()), actor="tester")
    before = _row(store, "deploy/churn-api", now_ms())
    assert "past_incidents" not in before["components"]["risk"]
    _open(store, "deploy/churn-api")
    at = now_ms()
    once = _row(store, "deploy/churn-api", at)
    assert once["components"]["risk"]["past_incidents"] == 0.5
    assert once["score"] == pytest.approx(before["score"] + once["components"]["impact"] * 0.5, abs=0.01)
    assert "failed in 1 incident in the last 90 days" in once["explanation"]
    # the upstream set of the record is who might be the cause, not who failed: not counted
    for uid in ("models/churn", "features/user", "raw/events"):
        row = _row(store, uid, at)
        assert row is None or "past_incidents" not in row["components"]["risk"], uid
    _open(store, "deploy/churn-api", 4)
    at = now_ms()
    many = _row(store, "deploy/churn-api", at)
    assert many["components"]["risk"]["past_incidents"] == risk.INCIDENT_POINTS_MAX == 2.0
    assert "failed in 5 incidents" in many["explanation"] and many["score"] > once["score"]
    # older than the window: no longer counted
    later = _row(store, "deploy/churn-api", at + 91 * DAY_MS)
    assert "past_incidents" not in later["components"]["risk"]


def test_a_resolved_incident_still_counts(store):
    manifest.ingest(store, parse.validate(small()), actor="tester")
    before = _row(store, "models/churn", now_ms())   # its other risks (a review the policy requires ...)
    before_risk = before["components"]["risk"] if before else {}
    _open(store, "models/churn")
    rec = incident_records.listing(store, artifact="models/churn")[0]
    incident_records.resolve(store, BO, rec["id"], postmortem="https://wiki.example.com/pm/1")
    churn = _row(store, "models/churn", now_ms())
    assert churn["components"]["risk"] == {**before_risk, "past_incidents": 0.5}
    assert churn["score"] > (before["score"] if before else 0)
