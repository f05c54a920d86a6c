"""Every built-in policy rule, the review cadences and the deploy gate, on both backends.

The catalogue has one artifact passing everything in its scope next to one breaking
each rule, so every rule is seen both ways:
- ``models/good`` (tier-1): active owner and steward, team with an active escalation,
  runbook, lineage to ``data/raw``, a logged run 2 days before T, an evaluation, drift
  and performance reviews passed recently, bias waived.
- ``models/bad`` (tier-1): its only owner has left, no steward, a team whose escalation
  holds only people who left, no runbook, no lineage, a run without a log, drift review
  failed, performance review 100 days old, no bias review.
- ``deploy/good`` runs ``models/good@1``; ``deploy/bad`` runs ``models/bad@1`` and has no
  runbook. ``data/old``'s ownership began 200 days before T and was never confirmed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from graph_model.errors import NotFound
from graph_model.ingest import manifest, parse
from graph_model.schema import to_epoch_ms
from graph_model.services import access, checks, gate, policy, recorded_reviews

from ..analysis_manifests import NOW

NOW_MS = to_epoch_ms(NOW)
DAY_MS = 86_400_000
RUNBOOK = {"runbook": "https://runbooks.example.com/x"}


def _iso(days: float) -> str:
    return (NOW - timedelta(days=days)).isoformat()


def _v(upstream=(), run=None):
    v = {"version": "1", "created_at": _iso(3),
         "derived_from": [{"uid": u, "relation": r} for u, r in upstream]}
    if run:
        v["run"] = run
    return v


def catalogue() -> dict:
    good = {"owner": "ana", "stewards": ["bo"], "team": "t"}
    return {
        "people": [{"id": p, "name": p.title(), "active": p not in ("cy", "ed")}
                   for p in ("ana", "bo", "cy", "di", "ed")],
        "teams": [{"id": "t", "name": "T", "members": ["ana", "bo"], "escalation": ["ana"]},
                  {"id": "gone", "name": "Gone", "members": ["cy"], "escalation": ["cy", "ed"]}],
        "artifacts": [
            {"uid": "data/raw", "kind": "dataset", **good, "versions": [_v()]},
            {"uid": "models/good", "kind": "model", **good, "tags": ["tier-1"], "links": RUNBOOK,
             "versions": [_v([("data/raw@1", "trained_on")],
                             {"id": "r-good", "status": "succeeded", "started_at": _iso(2.1),
                              "ended_at": _iso(2), "log_uri": "https://logs.example.com/r-good"})]},
            {"uid": "evals/good", "kind": "evaluation", **good, "versions": [_v([("models/good@1", "evaluated_on")])]},
            {"uid": "models/bad", "kind": "model", "owner": "cy", "team": "gone", "tags": ["tier-1"],
             "versions": [_v(run={"id": "r-bad", "status": "succeeded", "ended_at": _iso(1)})]},
            {"uid": "deploy/good", "kind": "deployment", **good, "links": RUNBOOK,
             "versions": [_v([("models/good@1", "deployed_from")])]},
            {"uid": "deploy/bad", "kind": "deployment", "owner": "bo", "stewards": ["ana"], "team": "t",
             "versions": [_v([("models/bad@1", "deployed_from")])]},
        ],
    }


@pytest.fixture
def org(store):
    manifest.ingest(store, parse.validate({"people": [{"id": "di", "name": "Di"}, {"id": "bo", "name": "Bo"}],
                                           "teams": [{"id": "t", "name": "T", "members": ["di"], "escalation": ["di"]}],
                                           "artifacts": [{"uid": "data/old", "kind": "dataset", "owner": "di",
                                                          "stewards": ["bo"], "team": "t"}]}),
        actor="test", at=NOW_MS - 200 * DAY_MS)
    manifest.ingest(store, parse.validate(catalogue()), actor="test", at=NOW_MS - 5 * DAY_MS)
    op = access.cli_principal("op")
    for uid, kind, outcome, days in (("models/good", "drift", "pass", 5), ("models/good", "performance", "pass", 10),
                                     ("models/good", "bias", "waived", 20), ("models/bad", "drift", "fail", 3),
                                     ("models/bad", "performance", "pass", 100)):
        recorded_reviews.record(store, op, artifact=uid, kind=kind, outcome=outcome, at=NOW_MS - days * DAY_MS)
    return store


def _found(answer) -> set[tuple]:
    return {(v["uid"], v["rule"], v["review_kind"], v["severity"]) for v in answer["violations"]}


def test_each_rule_both_ways(org):
    got = checks.evaluate(org, at=NOW_MS)
    assert _found(got) == {
        ("models/bad", "primary-owner", None, "error"),
        ("models/bad", "steward", None, "warning"),
        ("models/bad", "team-escalation", None, "error"),
        ("models/bad", "owners-left", None, "error"),
        ("models/bad", "dataset-lineage", None, "error"),
        ("models/bad", "recent-run-log", None, "warning"),
        ("models/bad", "runbook", None, "error"),
        ("models/bad", "reviews", "drift", "error"),
        ("models/bad", "reviews", "performance", "error"),
        ("models/bad", "reviews", "bias", "warning"),
        ("deploy/bad", "dataset-lineage", None, "error"),
        ("deploy/bad", "evaluated", None, "error"),
        ("deploy/bad", "runbook", None, "error"),
        ("data/old", "ownership-review", None, "warning"),
    }
    assert got["ok"] is False and got["artifacts"] == 7
    by_rule = {r["id"]: r for r in got["rules"]}
    assert (by_rule["evaluated"]["applies"], by_rule["evaluated"]["passing"]) == (2, 1)
    assert (by_rule["runbook"]["applies"], by_rule["runbook"]["passing"]) == (4, 2)   # 2 deployments, 2 tier-1
    assert (by_rule["primary-owner"]["applies"], by_rule["primary-owner"]["passing"]) == (7, 6)
    assert (by_rule["reviews"]["applies"], by_rule["reviews"]["passing"]) == (2, 1)
    messages = {(v["uid"], v["rule"], v["review_kind"]): v["message"] for v in got["violations"]}
    assert messages[("deploy/bad", "evaluated", None)] == "deploy/bad@1 runs models/bad@1, which has no evaluation"
    assert messages[("models/bad", "primary-owner", None)] == "primary owner cy has left"
    assert messages[("models/bad", "recent-run-log", None)] == "the run of models/bad@1 has no log"
    assert "failed" in messages[("models/bad", "reviews", "drift")]
    assert "overdue" in messages[("models/bad", "reviews", "performance")]
    bad = next(v for v in got["violations"] if v["uid"] == "deploy/bad")
    assert (bad["owner"], bad["stewards"], bad["team"]) == ("bo", ["ana"], "t")
    assert got["violations"][0]["severity"] == "error" and got["violations"][-1]["severity"] == "warning"
    teams = {r["team"]: r for r in got["by_team"]}
    assert set(teams) == {"t", "gone"} and teams["gone"]["errors"] == 7
    assert {r["kind"] for r in got["by_kind"]} == {"dataset", "model", "evaluation", "deployment"}


def test_thresholds_move_with_time(org):
    later = checks.evaluate(org, at=NOW_MS + 40 * DAY_MS)     # the good run is now 42 days old
    found = _found(later)
    assert ("models/good", "recent-run-log", None, "warning") in found
    assert ("models/good", "reviews", "drift", "error") in found          # 45 days > 30
    assert ("models/good", "reviews", "performance", "error") not in found  # 50 days < 90


def test_filters(org):
    assert {v["uid"] for v in checks.evaluate(org, kind="deployment", at=NOW_MS)["violations"]} == {"deploy/bad"}
    assert {v["uid"] for v in checks.evaluate(org, team="gone", at=NOW_MS)["violations"]} == {"models/bad"}
    only = checks.evaluate(org, namespace="data", at=NOW_MS)
    assert only["artifacts"] == 2 and only["ok"] is True and _found(only) == {
        ("data/old", "ownership-review", None, "warning")}
    with pytest.raises(NotFound):
        checks.evaluate(org, team="nobody", at=NOW_MS)


def test_a_policy_file_changes_what_fails(org):
    p = policy.load_text("""
rules:
  runbook: {enabled: false}
  recent-run-log: {severity: error, thresholds: {max_age_days: 1}, scope: {tags: [tier-1]}}
  steward: {thresholds: {min_active: 2}}
reviews:
  - {kind: drift, every_days: 2, scope: {namespaces: [models]}, severity: warning}
""", "strict.yaml")
    found = _found(checks.evaluate(org, p, at=NOW_MS))
    assert not any(rule == "runbook" for _, rule, _, _ in found)
    assert ("models/good", "recent-run-log", None, "error") in found        # 2 days > 1
    assert ("models/good", "steward", None, "warning") in found             # one active steward, 2 needed
    assert ("models/good", "reviews", "drift", "warning") in found          # 5 days > 2
    assert not any(rk == "performance" for _, _, rk, _ in found)            # cadences replaced


def test_deploy_gate(org):
    ok = gate.deploy(org, "deploy/good@1", at=NOW_MS)
    assert ok["allowed"] is True and ok["reasons"] == []
    assert {c["rule"] for c in ok["checks"]} >= {"primary-owner", "evaluated", "dataset-lineage", "runbook"}
    no = gate.deploy(org, "deploy/bad@1", at=NOW_MS)
    assert no["allowed"] is False
    assert set(no["reasons"]) == {"deploy/bad@1 runs models/bad@1, which has no evaluation",
                                  "deploy/bad@1 has no lineage to any dataset version", "no runbook link"}
    model = gate.deploy(org, "models/good@1", at=NOW_MS)          # evaluated applies to a model version too
    assert model["allowed"] is True and any(c["rule"] == "evaluated" and c["passed"] for c in model["checks"])
    bad_model = gate.deploy(org, "models/bad@1", at=NOW_MS)
    assert not bad_model["allowed"] and "models/bad@1 has no evaluation" in bad_model["reasons"]
    with pytest.raises(NotFound):
        gate.deploy(org, "deploy/good@9", at=NOW_MS)
