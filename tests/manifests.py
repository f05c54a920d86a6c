"""Hand-built manifests with known answers, shared by the test layers."""

from __future__ import annotations

import copy

SMALL = {
    "reason": "initial catalog",
    "people": [
        {"id": "ana", "name": "Ana Silva", "email": "ana@example.com"},
        {"id": "bo", "name": "Bo Chen"},
        {"id": "cy", "name": "Cy Okafor", "active": False},
        {"id": "di", "name": "Di Rossi"},
    ],
    "teams": [
        {"id": "ml", "name": "ML Platform", "members": ["ana", "bo"], "escalation": ["bo", "ana"]},
        {"id": "data", "name": "Data Eng", "members": ["cy", "di"], "escalation": ["di"]},
    ],
    "artifacts": [
        {"uid": "raw/events", "kind": "dataset", "owner": "cy", "team": "data",
         "versions": [{"version": "2026-11-20", "created_at": "2026-11-20T00:00:00Z"},
                      {"version": "2026-11-21", "created_at": "2026-11-21T00:00:00Z"}]},
        {"uid": "features/user", "kind": "feature_set", "owner": "di", "stewards": ["cy"], "team": "data",
         "versions": [{"version": "1", "created_at": "2026-11-21T06:00:00Z",
                       "derived_from": [{"uid": "raw/events@2026-11-21", "relation": "input"}]}]},
        {"uid": "models/churn", "kind": "model", "owner": "ana", "stewards": ["bo"], "team": "ml",
         "description": "Predicts churn", "tags": ["tier-1"],
         "links": {"runbook": "https://runbooks.example.com/churn"},
         "versions": [
             {"version": "1", "created_at": "2026-11-21T08:00:00Z",
              "commit": {"sha": "a1b2c3d4e5f6a7b8", "repo": "git@example.com:ml/churn.git", "author": "bo",
                         "message": "first model", "time": "2026-11-21T07:00:00Z"},
              "derived_from": [{"uid": "features/user@1", "relation": "trained_on"}],
              "hyperparameters": {"lr": 0.05, "depth": 6}, "metrics": {"auc": 0.88},
              "run": {"id": "run-1", "status": "succeeded", "log_uri": "https://logs.example.com/run-1"}},
             {"version": "2", "created_at": "2026-11-22T08:00:00Z",
              "commit": {"sha": "b1b2c3d4e5f6a7b8", "author": "ana", "message": "deeper"},
              "derived_from": [{"uid": "features/user@1", "relation": "trained_on"},
                               {"uid": "raw/events@2026-11-21", "relation": "evaluated_on"}],
              "hyperparameters": {"lr": 0.05, "depth": 8}, "metrics": {"auc": 0.91}},
         ]},
        {"uid": "deploy/churn-api", "kind": "deployment", "owner": "bo", "team": "ml",
         "versions": [{"version": "7", "derived_from": [{"uid": "models/churn@1", "relation": "deployed_from"}],
                       "deployment": {"env": "prod", "status": "failing", "replicas": 3}}]},
    ],
}

# nodes: 4 people + 2 teams + 4 artifacts + 6 versions + 2 commits + 1 run
SMALL_NODES = {"Person": 4, "Team": 2, "Artifact": 4, "Version": 6, "Commit": 2, "Run": 1}


def small() -> dict:
    return copy.deepcopy(SMALL)
