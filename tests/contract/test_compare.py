"""What differs between two versions, on both backends."""

from __future__ import annotations

import pytest

from graph_model.errors import BadParameter, NotFound
from graph_model.ingest import manifest, parse
from graph_model.services.compare import compare

from ..manifests import small


@pytest.fixture
def catalogue(store):
    manifest.ingest(store, parse.validate(small()), actor="tester")
    return store


def test_default_b_is_the_previous_version(catalogue):
    d = compare(catalogue, "models/churn@2")
    assert d["a"]["uid"] == "models/churn@2" and d["b"]["uid"] == "models/churn@1"
    assert d["b_is_previous"] and d["same_artifact"] and d["note"] is None
    assert d["hyperparameters"] == {"only_in_a": {}, "only_in_b": {},
                                    "changed": {"depth": {"a": 8, "b": 6}}, "unchanged": 1}
    assert d["metrics"]["changed"] == {"auc": {"a": 0.91, "b": 0.88}}
    assert d["deployment"] == {"only_in_a": {}, "only_in_b": {}, "changed": {}, "unchanged": 0}
    assert d["upstream"] == {
        "added": [{"uid": "raw/events@2026-11-21", "relation": "evaluated_on"}],
        "removed": [],
        "unchanged": [{"uid": "features/user@1", "relation": "trained_on"}]}
    assert d["commit"]["changed"] and d["commit"]["a"]["sha"] == "b1b2c3d4e5f6a7b8"
    assert d["commit"]["b"]["sha"] == "a1b2c3d4e5f6a7b8"
    assert d["run"] == {"changed": True, "a": None, "b": d["b"]["run"]} and d["b"]["run"]["id"] == "run-1"
    assert d["identical"] is False


def test_keys_added_and_removed(catalogue):
    manifest.ingest(catalogue, parse.validate({"artifacts": [{"uid": "models/churn", "kind": "model", "versions": [
        {"version": "3", "hyperparameters": {"lr": 0.05, "layers": 3}, "metrics": {"auc": 0.9, "f1": 0.7},
         "derived_from": [{"uid": "features/user@1", "relation": "trained_on"}],
         "commit": {"sha": "b1b2c3d4e5f6a7b8"}}]}]}), actor="tester")
    d = compare(catalogue, "models/churn@3")
    assert d["b"]["uid"] == "models/churn@2"
    assert d["hyperparameters"]["only_in_a"] == {"layers": 3}
    assert d["hyperparameters"]["only_in_b"] == {"depth": 8}
    assert d["metrics"] == {"only_in_a": {"f1": 0.7}, "only_in_b": {}, "changed": {"auc": {"a": 0.9, "b": 0.91}},
                            "unchanged": 0}
    assert d["upstream"]["removed"] == [{"uid": "raw/events@2026-11-21", "relation": "evaluated_on"}]
    assert d["upstream"]["added"] == []
    assert d["commit"]["changed"] is False and d["run"]["changed"] is False


def test_explicit_b_either_way_and_across_artifacts(catalogue):
    d = compare(catalogue, "models/churn@1", "models/churn@2")
    assert d["hyperparameters"]["changed"] == {"depth": {"a": 6, "b": 8}}
    assert d["upstream"]["removed"] == [{"uid": "raw/events@2026-11-21", "relation": "evaluated_on"}]
    assert d["b_is_previous"] is False
    same = compare(catalogue, "models/churn@2", "models/churn@2")
    assert same["identical"] is True
    other = compare(catalogue, "deploy/churn-api@7", "models/churn@1")
    assert other["same_artifact"] is False
    assert "different artifacts" in other["note"] and "deploy/churn-api" in other["note"]
    assert other["deployment"]["only_in_a"] == {"env": "prod", "replicas": 3, "status": "failing"}
    assert other["upstream"]["added"] == [{"uid": "models/churn@1", "relation": "deployed_from"}]


def test_first_version_has_nothing_before_it(catalogue):
    with pytest.raises(BadParameter) as info:
        compare(catalogue, "models/churn@1")
    assert info.value.name == "b" and "first version" in str(info.value)


@pytest.mark.parametrize("a, b", [("models/churn@9", None), ("models/nope@1", None),
                                  ("models/churn@2", "models/churn@9")])
def test_unknown_versions(catalogue, a, b):
    with pytest.raises(NotFound) as info:
        compare(catalogue, a, b)
    assert "@9" in str(info.value) or "nope" in str(info.value)


@pytest.mark.parametrize("a, b, name", [
    ("models/churn", None, "a"), ("churn@1", None, "a"), ("models/churn@", None, "a"),
    ("models/churn@bad version", None, "a"), ("", None, "a"), ("models/churn@2", "x", "b"),
])
def test_malformed_references(catalogue, a, b, name):
    with pytest.raises(BadParameter) as info:
        compare(catalogue, a, b)
    assert info.value.name == name
