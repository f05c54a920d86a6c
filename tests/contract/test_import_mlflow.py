"""MLflow import on both engines: a real sqlite store built with MLflow's client, the
imported graph checked against hand-computed expectations, then the store changed and
imported again (incremental, by the watermark)."""

from __future__ import annotations

import json

from graph_model.importers import common, mlflow_store
from graph_model.ingest.manifest import ingest
from graph_model.ingest.parse import check
from graph_model.services import runs as run_service

from ..helpers import owners
from ..mlflow_source import REPO, SHA1, SHA3, change, ms, uri

PEOPLE = {"people": [{"id": "ana", "name": "Ana Silva", "email": "ana@example.com"},
                     {"id": "bo", "name": "Bo Chen"}],
          "teams": [{"id": "ml", "name": "ML Platform", "members": ["ana", "bo"]}]}
EXP, MODEL = "mlflow-experiments/churn", "mlflow-models/churn-model"


def _import(store, path, **kw):
    mapped = mlflow_store.map_store(uri(path), store.read, since=kw.pop("since", None))
    return common.run(store, mapped, actor="import:mlflow by cli:test", **kw)


def _version_row(store, vuid):
    return store.read("versions_by_uids", uids=[vuid])[0]


def _parents(store, vuid):
    return {(r["uid"], r["relation"]) for r in store.read("version_parents", uid=vuid)}


def test_mlflow_import_then_change_and_import_again(store, mlflow_db):
    path, ids = mlflow_db
    r1, r2 = ids["r1"], ids["r2"]
    ingest(store, check(PEOPLE))
    seq = store.read("audit_head")[0]["seq"]
    dry = _import(store, path, dry_run=True)
    assert store.read("audit_head")[0]["seq"] == seq
    done = _import(store, path)
    assert sorted((c.action, c.target) for c in done.changes) == sorted((c.action, c.target) for c in dry.changes)

    kinds = {r["uid"]: r["kind"] for r in store.read("artifacts_by_uids", uids=[
        EXP, MODEL, "mlflow-datasets/users", "mlflow-datasets/holdout", "mlflow-experiments/Default"])}
    assert kinds == {EXP: "pipeline", MODEL: "model", "mlflow-datasets/users": "dataset",
                     "mlflow-datasets/holdout": "dataset"}
    v1 = store.read("versions_by_uids", uids=[f"{EXP}@{r1}", f"{EXP}@{r2}", f"{MODEL}@1"])
    by = {r["uid"]: r for r in v1}
    assert set(by) == {f"{EXP}@{r1}", f"{EXP}@{r2}", f"{MODEL}@1"}
    assert json.loads(by[f"{EXP}@{r1}"]["hyperparameters"]) == {"lr": "0.1"}
    assert json.loads(by[f"{EXP}@{r1}"]["metrics"]) == {"auc": 0.9}
    assert by[f"{EXP}@{r1}"]["created_at"] == ms("2026-11-10T10:00:00Z")
    assert (by[f"{EXP}@{r1}"]["sha"], by[f"{EXP}@{r1}"]["run"]) == (SHA1, r1)
    assert json.loads(by[f"{MODEL}@1"]["deployment"]) == {"aliases": ["champion"], "tags": {}}
    assert (by[f"{MODEL}@1"]["sha"], by[f"{MODEL}@1"]["run"]) == (SHA1, r1)
    assert _parents(store, f"{EXP}@{r1}") == {("mlflow-datasets/users@abc123", "trained_on"),
                                              ("mlflow-datasets/holdout@def456", "input")}
    assert _parents(store, f"{MODEL}@1") == {(f"{EXP}@{r1}", "trained_in")}
    commit = store.read("commits_by_shas", shas=[SHA1])[0]
    assert commit["repo"] == REPO
    runs = {r["id"]: r for r in store.read("runs_by_ids", ids=[r1, r2])}
    assert (runs[r1]["status"], runs[r1]["started_at"], runs[r1]["ended_at"]) == (
        "succeeded", ms("2026-11-10T10:00:00Z"), ms("2026-11-10T11:00:00Z"))
    assert runs[r2]["status"] == "failed"
    state = {r["id"]: r for r in store.read("mlflow_run_state", ids=[r1, r2])}
    assert (state[r1]["user"], state[r1]["run_of"], state[r2]["user"]) == ("ana", [EXP], "bo")
    assert run_service.failed(store, [EXP], ms("2026-11-12T00:00:00Z")) == {EXP}
    # owners: the experiment's tags, and the model falls back to its run's experiment
    for uid in (EXP, MODEL):
        assert owners(store, uid) == {"primary": {"ana"}, "steward": {"bo"}, "team": {"ml"}}
    tags = store.read("artifacts_by_uids", uids=[MODEL])[0]
    assert (tags["tags"], tags["description"]) == (["tier=1"], "churn classifier")
    assert store.read("import_watermark", key=f"mlflow:{uri(path)}")[0]["at"] >= ms("2026-11-11T10:05:00Z")
    again = _import(store, path)
    assert again.changes == [] and again.summary.events == 0

    ids = change(path, ids)
    r3 = ids["r3"]
    from mlflow.tracking import MlflowClient
    MlflowClient(tracking_uri=uri(path)).log_metric(r2, "loss", 1.5)   # an old run, changed quietly
    later = _import(store, path)
    touched = {(c.action, c.target) for c in later.changes}
    assert ("version.create", f"{EXP}@{r3}") in touched and ("version.create", f"{MODEL}@2") in touched
    assert ("version.update", f"{MODEL}@1") in touched        # champion moved away
    assert not any(t.endswith(r2) for _, t in touched)         # incremental: r2 not read again
    after = {r["uid"]: r for r in store.read("versions_by_uids", uids=[f"{MODEL}@1", f"{MODEL}@2"])}
    assert json.loads(after[f"{MODEL}@1"]["deployment"])["aliases"] == []
    assert json.loads(after[f"{MODEL}@2"]["deployment"])["aliases"] == ["champion"]
    assert after[f"{MODEL}@2"]["sha"] == SHA3
    assert _parents(store, f"{EXP}@{r3}") == {("mlflow-datasets/users@abc999", "trained_on")}
    # the model's own owner tag now: the source moves the primary it filled
    # (stewards and team it no longer declares are left as they are: services.declared)
    assert owners(store, MODEL)["primary"] == {"bo"} and owners(store, MODEL)["team"] == {"ml"}
    assert owners(store, EXP) == {"primary": {"ana"}, "steward": {"bo"}, "team": {"ml"}}
    assert run_service.failed(store, [EXP], ms("2026-11-13T00:00:00Z")) == set()
    final = _import(store, path)
    assert final.changes == []
    # --since reaches back past the watermark: the old run's new metric is read now
    reread = _import(store, path, since=ms("2026-11-01T00:00:00Z"))
    assert [(c.action, c.target) for c in reread.changes] == [("version.update", f"{EXP}@{r2}")]
    assert json.loads(_version_row(store, f"{EXP}@{r2}")["metrics"]) == {"loss": 1.5}


def test_mlflow_unreadable_store_names_it(store, tmp_path):
    import pytest
    from graph_model.errors import ValidationFailed
    bad = tmp_path / "not-a-db.db"
    bad.write_text("this is not sqlite")
    with pytest.raises(ValidationFailed) as e:
        _import(store, bad)
    assert e.value.problems[0].path == uri(bad) and "cannot read the MLflow store" in e.value.problems[0].message
