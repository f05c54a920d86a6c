"""The services behind the dashboard (overview, teams and people, provenance) and the
console's saved examples, with known answers on a hand-built graph, on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from graph_model.errors import NotFound, PermissionDenied, ValidationFailed
from graph_model.ingest import manifest, parse
from graph_model.schema import to_epoch_ms
from graph_model.services import console, overview, people, provenance
from tests.manifests import small

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def graph() -> dict:
    m = small()
    m["artifacts"][3]["versions"][0]["created_at"] = "2026-11-22T20:00:00Z"
    m["artifacts"].append({"uid": "orphan/thing", "kind": "other",
                           "versions": [{"version": "1", "created_at": "2026-11-01T00:00:00Z",
                                         "run": {"id": "r-bad", "status": "FAILED",
                                                 "log_uri": "https://logs.example.com/r-bad"}}]})
    return m


@pytest.fixture(scope="module")
def loaded(module_store):
    """Loaded once per backend: every test here only reads."""
    manifest.ingest(module_store, parse.validate(graph()), actor="test",
                    at=to_epoch_ms(NOW - timedelta(days=30)))
    return module_store


def test_counts_by_kind(loaded):
    c = overview.counts_by_kind(loaded)
    assert c["model"] == 1 and c["dataset"] == 1 and c["deployment"] == 1 and c["feature_set"] == 1
    assert c["other"] == 1 and c["metric"] == 0 and c["total"] == 5


def test_failing_now_reads_deployment_status_and_failed_runs(loaded):
    rows = overview.failing_now(loaded)
    assert [(r["uid"], r["version"]) for r in rows] == [("deploy/churn-api", "deploy/churn-api@7"),
                                                       ("orphan/thing", "orphan/thing@1")]
    assert rows[0]["why"] == "deployment status failing"
    assert rows[1]["why"] == "run r-bad FAILED" and rows[1]["log_uri"] == "https://logs.example.com/r-bad"


def test_recent_changes_newest_first_within_the_window(loaded):
    rows = overview.recent_changes(loaded, days=2, at=to_epoch_ms(NOW))
    assert [r["version"] for r in rows] == ["deploy/churn-api@7", "models/churn@2"]
    assert rows[1]["commit"]["author"] == "ana"


def test_person_owns_primary_and_steward_with_bus_factor(loaded):
    di = people.person(loaded, "di")
    assert [r["uid"] for r in di["owns"]["primary"]] == ["features/user"]
    # cy (the steward) is inactive: di is the only active owner of a used artifact
    assert [r["uid"] for r in di["sole_owner_of"]] == ["features/user"]
    assert di["sole_owner_of"][0]["dependents"] == 1
    assert "single_owner" in di["sole_owner_of"][0]["flags"]
    cy = people.person(loaded, "cy")
    assert cy["person"]["active"] is False
    assert [r["uid"] for r in cy["owns"]["primary"]] == ["raw/events"]
    assert [r["uid"] for r in cy["owns"]["steward"]] == ["features/user"]
    ana = people.person(loaded, "ana")
    assert ana["sole_owner_of"] == [] and [t["id"] for t in ana["teams"]] == ["ml"]
    with pytest.raises(NotFound):
        people.person(loaded, "nobody")


def test_team_artifacts_bus_factor_and_departed(loaded):
    t = people.team(loaded, "data")
    assert [m["id"] for m in t["members"]] == ["cy", "di"]
    assert [p["id"] for p in t["escalation"]] == ["di"]
    assert {a["uid"] for a in t["artifacts"]} == {"raw/events", "features/user"}
    raw = next(a for a in t["artifacts"] if a["uid"] == "raw/events")
    assert raw["dependents"] == 2 and "owner_inactive" in raw["flags"] and "orphaned" in raw["flags"]
    assert {a["uid"] for a in t["bus_factor"]} == {"raw/events", "features/user"}
    assert {a["uid"] for a in t["departed"]} == {"raw/events", "features/user"}
    assert next(m for m in t["members"] if m["id"] == "cy")["owns"] == {"primary": 1, "steward": 1}
    with pytest.raises(NotFound):
        people.team(loaded, "nope")


def test_version_provenance(loaded):
    v = provenance.version(loaded, "models/churn", "1")
    assert v["hyperparameters"] == {"lr": 0.05, "depth": 6} and v["metrics"] == {"auc": 0.88}
    assert v["commit"]["sha"] == "a1b2c3d4e5f6a7b8" and v["commit"]["author"] == "bo"
    assert v["run"]["log_uri"] == "https://logs.example.com/run-1"
    assert v["previous"] is None
    assert [p["uid"] for p in v["parents"]] == ["features/user@1"]
    assert [c["uid"] for c in v["children"]] == ["deploy/churn-api@7"]
    assert provenance.version(loaded, "models/churn", "2")["previous"] == "models/churn@1"
    with pytest.raises(NotFound):
        provenance.version(loaded, "models/churn", "9")


def test_dependents_of(loaded):
    d = overview.dependents_of(loaded, ["raw/events"])
    assert sorted(e["dependent"] for e in d["edges"]) == ["features/user", "models/churn"]
    assert d["artifacts"]["models/churn"]["kind"] == "model"


def _example(name: str) -> console.Example:
    return next(e for e in console.examples() if e.name == name)


def test_every_example_runs_with_its_own_params(loaded):
    names = {e.name for e in console.examples()}
    assert {"owners_upstream_of_model", "artifacts_without_primary_owner", "sole_owners_of_widely_used",
            "models_trained_on_dataset_version", "ownership_as_of"} <= names
    for e in console.examples():
        result = console.run(loaded, e.query, e.params)
        assert result["columns"], e.name


def test_examples_have_known_answers(loaded):
    def rows(name, **params):
        r = console.run(loaded, _example(name).query, params)
        return [dict(zip(r["columns"], row)) for row in r["rows"]]

    up = rows("owners_upstream_of_model", model="models/churn")
    assert [(r["artifact"], sorted(r["owners"])) for r in up] == [
        ("features/user", ["cy (steward)", "di (primary)"]), ("raw/events", ["cy (primary)"])]
    assert [r["artifact"] for r in rows("artifacts_without_primary_owner")] == ["orphan/thing"]
    sole = rows("sole_owners_of_widely_used", min_dependents=1)
    assert [(r["person"], r["owns"]) for r in sole] == [("di", ["features/user"])]
    trained = rows("models_trained_on_dataset_version", dataset="features/user", version="1")
    assert [(r["model"], r["model_version"]) for r in trained] == [("models/churn", "1"), ("models/churn", "2")]
    assert rows("models_trained_on_dataset_version", dataset="features/user", version="7") == []
    owned = rows("ownership_as_of", prefix="models/", at=None)
    assert [(r["artifact"], r["role"], r["person"]) for r in owned] == [
        ("models/churn", "primary", "ana"), ("models/churn", "steward", "bo")]
    assert rows("ownership_as_of", prefix="models/", at=to_epoch_ms(NOW - timedelta(days=60))) == []


def test_console_run_checks_input_and_refuses_writes(loaded):
    with pytest.raises(ValidationFailed):
        console.run(loaded, "  ")
    with pytest.raises(ValidationFailed):
        console.run(loaded, "RETURN 1", [1])
    with pytest.raises(PermissionDenied):
        console.run(loaded, "MATCH (a:Artifact) SET a.kind = 'x' RETURN a")
    r = console.run(loaded, "UNWIND range(1, 5) AS i RETURN i", row_cap=2)
    assert r["rows"] == [[1], [2]] and r["truncated"] is True and r["row_cap"] == 2
