"""A real MLflow store (sqlite) built with MLflow's own client, with known contents.

Building one runs MLflow's migrations (about 13 s here), so the test session builds it
once (``mlflow_base`` in conftest) and each test works on a copy of the file.
"""

from __future__ import annotations

from pathlib import Path

SHA1 = "1" * 40
SHA3 = "3" * 40
REPO = "https://github.com/acme/ml"


def ms(iso: str) -> int:
    from datetime import datetime
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def uri(path: Path) -> str:
    return f"sqlite:///{path}"


def _client(path: Path):
    from mlflow.tracking import MlflowClient
    return MlflowClient(tracking_uri=uri(path), registry_uri=uri(path))


def _dataset(name: str, digest: str, context: str):
    from mlflow.entities import Dataset, DatasetInput, InputTag
    return DatasetInput(Dataset(name=name, digest=digest, source_type="local", source=f"/data/{name}"),
                        tags=[InputTag("mlflow.data.context", context)])


def build(path: Path) -> dict:
    """Experiment 'churn' (owner tags), runs r1 (finished, read 'users' for training) and
    r2 (failed), registered model 'churn-model' version 1 from r1, alias champion."""
    c = _client(path)
    exp = c.create_experiment("churn", artifact_location=str(path.parent / "artifacts"),
                              tags={"owner": "ana@example.com", "stewards": "bo", "team": "ML Platform"})
    r1 = c.create_run(exp, start_time=ms("2026-11-10T10:00:00Z"), run_name="first",
                      tags={"mlflow.user": "ana", "mlflow.source.git.commit": SHA1,
                            "mlflow.source.git.repoURL": REPO}).info.run_id
    c.log_param(r1, "lr", "0.1")
    c.log_metric(r1, "auc", 0.9, timestamp=ms("2026-11-10T10:30:00Z"))
    c.log_inputs(r1, [_dataset("users", "abc123", "training"), _dataset("holdout", "def456", "evaluation")])
    c.set_terminated(r1, "FINISHED", end_time=ms("2026-11-10T11:00:00Z"))
    r2 = c.create_run(exp, start_time=ms("2026-11-11T10:00:00Z"), run_name="second",
                      tags={"mlflow.user": "bo"}).info.run_id
    c.log_param(r2, "lr", "0.2")
    c.set_terminated(r2, "FAILED", end_time=ms("2026-11-11T10:05:00Z"))
    c.create_registered_model("churn-model", tags={"tier": "1"}, description="churn classifier")
    c.create_model_version("churn-model", source=f"runs:/{r1}/model", run_id=r1)
    c.set_registered_model_alias("churn-model", "champion", "1")
    return {"experiment": exp, "r1": r1, "r2": r2}


def change(path: Path, ids: dict) -> dict:
    """A later day: run r3 (finished, commit SHA3), model version 2 from it, champion moved
    to 2, the registered model now names its own owner."""
    c = _client(path)
    r3 = c.create_run(ids["experiment"], start_time=ms("2026-11-12T10:00:00Z"), run_name="third",
                      tags={"mlflow.user": "ana", "mlflow.source.git.commit": SHA3}).info.run_id
    c.log_param(r3, "lr", "0.05")
    c.log_metric(r3, "auc", 0.93, timestamp=ms("2026-11-12T10:30:00Z"))
    c.log_inputs(r3, [_dataset("users", "abc999", "training")])
    c.set_terminated(r3, "FINISHED", end_time=ms("2026-11-12T11:00:00Z"))
    c.create_model_version("churn-model", source=f"runs:/{r3}/model", run_id=r3)
    c.set_registered_model_alias("churn-model", "champion", "2")
    c.set_registered_model_tag("churn-model", "owner", "bo")
    return dict(ids, r3=r3)
