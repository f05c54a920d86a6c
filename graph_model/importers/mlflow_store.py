"""An MLflow tracking server or store -> experiments, runs, registered models and their
versions, with lineage, owners and a watermark for incremental imports.

Read with MLflow's own client (``pip install 'ownergraph[mlflow]'``), so any tracking
URI it understands works: ``sqlite:///mlflow.db``, ``postgresql://...``, ``http://...``.

Mapping (docs/import.md has the user's version):

- an experiment -> an artifact ``mlflow-experiments/<name>`` of kind ``pipeline``; each
  run -> a version of it named by the run id (created at the run's start) with a
  ``Run`` (status lower-cased, ``finished`` read as ``succeeded``; start, end;
  ``user_id`` kept as who ran it; ``RUN_OF`` the experiment, so a failed last run flags
  it ``run_failed``), params as hyperparameters, the latest metrics, the commit
  ``mlflow.source.git.commit`` (repo from ``mlflow.source.git.repoURL``), and the
  logged dataset inputs as lineage: a dataset ``mlflow-datasets/<name>`` whose version
  is the input's digest, relation ``trained_on`` for the ``training`` context, else
  ``input``;
- a registered model -> an artifact ``mlflow-models/<name>`` of kind ``model`` (tags
  as ``key=value``, description); each model version -> a version (its number) made at
  its creation time, with its source run's params, metrics, commit and run, ``DERIVED_FROM``
  the run's experiment version (relation ``trained_in``); its aliases (``champion``)
  and tags are kept in its ``deployment`` map;
- owners by tag convention, on the registered model or else on the experiment: ``owner``
  (a person id or e-mail) -> primary, ``stewards`` (comma-separated) -> stewards, ``team``
  (a team id or name) -> accountable team, declared by ``mlflow`` (``services.declared``).

Incremental: the newest source time read (run start/end, model version update) is kept
per tracking URI as an ``ImportMark`` in the same unit; the next import reads runs
started or ended since then and runs still open at the last import.
``--since`` replaces the watermark for one import. Experiments, registered models and
model versions (few, next to runs) are always read whole, so an alias that moved is seen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import Problem, ValidationFailed
from ..schema import REPO_SCHEMES, SHA_RE, url_problem
from ..services.audit import Change
from ..services.declared import Declared
from ..store.base import Reader, Statement
from .common import Mapped, Progress, no_progress

SOURCE = "mlflow"
EXPERIMENTS, MODELS, DATASETS = "mlflow-experiments", "mlflow-models", "mlflow-datasets"
OPEN_STATUSES = ["running", "scheduled"]
_STATUS = {"FINISHED": "succeeded", "FAILED": "failed", "KILLED": "killed", "RUNNING": "running",
           "SCHEDULED": "scheduled"}
OWNER_TAGS = ("owner", "stewards", "team")
PAGE = 1000


def client(tracking_uri: str, registry_uri: str | None = None):
    try:
        from mlflow.tracking import MlflowClient
    except ImportError as e:  # the optional extra is not installed
        raise ValidationFailed([Problem("--tracking-uri", "MLflow is not installed: "
                                                          "pip install 'ownergraph[mlflow]'")]) from e
    return MlflowClient(tracking_uri=tracking_uri, registry_uri=registry_uri or tracking_uri)


def _all(search, **kw) -> list:
    out, token = [], None
    while True:
        page = search(page_token=token, **kw)
        out += list(page)
        token = page.token
        if not token:
            return out


def _iso(ms: int | None) -> str | None:
    from ..schema import from_epoch_ms
    return from_epoch_ms(ms) if ms else None


def _run_status(status: str) -> str:
    return _STATUS.get(status, status.lower())


def _owners(tags: dict, where: str) -> list[Declared] | None:
    """Declared owners from the tag convention, or None when no owner tag is set."""
    if not any(tags.get(t) for t in OWNER_TAGS):
        return None
    out = []
    if tags.get("owner"):
        out.append(Declared("primary", tags["owner"].strip(), "person"))
    for s in (tags.get("stewards") or "").split(","):
        if s.strip():
            out.append(Declared("steward", s.strip(), "person"))
    if tags.get("team"):
        out.append(Declared("team", tags["team"].strip(), "team"))
    return out


class _Reader:
    """What one import reads from MLflow, fetched once."""

    def __init__(self, c, progress: Progress):
        self.c, self.progress = c, progress
        self.runs: dict[str, Any] = {}
        self.experiments = {e.experiment_id: e for e in _all(c.search_experiments, max_results=PAGE)}

    def run(self, run_id: str):
        if run_id not in self.runs:
            self.runs[run_id] = self.c.get_run(run_id)
        return self.runs[run_id]

    def runs_since(self, since: int | None, reopen: list[str]) -> list:
        ids = list(self.experiments)
        found: dict[str, Any] = {}
        filters = [""] if since is None else [f"attributes.start_time >= {since}", f"attributes.end_time >= {since}"]
        for f in filters:
            for i in range(0, len(ids), 100):
                for r in _all(self.c.search_runs, experiment_ids=ids[i:i + 100], filter_string=f,
                              max_results=PAGE):
                    found[r.info.run_id] = r
        for rid in reopen:
            if rid not in found:
                try:
                    found[rid] = self.c.get_run(rid)
                except Exception:  # noqa: BLE001 - a run deleted since: nothing to update
                    continue
        self.runs.update(found)
        return sorted(found.values(), key=lambda r: (r.info.start_time or 0, r.info.run_id))


def _commit(tags: dict) -> dict | None:
    sha = (tags.get("mlflow.source.git.commit") or "").strip().lower()
    if not SHA_RE.match(sha):
        return None
    out = {"sha": sha}
    repo = tags.get("mlflow.source.git.repoURL")
    if repo and url_problem(repo, "repo", REPO_SCHEMES, scp=True) is None:
        out["repo"] = repo
    return out


def _run_version(r, exp_uid: str) -> tuple[dict, list[dict], list[str]]:
    """(version of the experiment artifact, dataset artifacts it read, dataset labels)."""
    info, data = r.info, r.data
    run = {"id": info.run_id, "status": _run_status(info.status)}
    if info.start_time:
        run["started_at"] = _iso(info.start_time)
    if info.end_time:
        run["ended_at"] = _iso(info.end_time)
    version: dict[str, Any] = {"version": info.run_id, "run": run,
                               "hyperparameters": dict(data.params), "metrics": dict(data.metrics)}
    if info.start_time:
        version["created_at"] = _iso(info.start_time)
    commit = _commit(data.tags)
    if commit:
        version["commit"] = commit
    datasets, derived = [], []
    for di in (r.inputs.dataset_inputs if r.inputs else []):
        ds = di.dataset
        context = {t.key: t.value for t in di.tags}.get("mlflow.data.context")
        uid = f"{DATASETS}/{ds.name}"
        # no created_at: runs read a dataset at different times, and the first import
        # of it (made at that time) must not be moved by a later one
        datasets.append({"uid": uid, "kind": "dataset", "versions": [{"version": ds.digest}]})
        derived.append({"uid": f"{uid}@{ds.digest}", "relation": "trained_on" if context == "training" else "input"})
    if derived:
        version["derived_from"] = derived
    return version, datasets, [exp_uid]


def _missing_sqlite(uri: str | None) -> str | None:
    """MLflow creates an empty store at a sqlite path that does not exist: an import
    from a mistyped path would then find nothing, silently. Refused instead."""
    if uri and uri.startswith("sqlite:///") and uri != "sqlite:///:memory:":
        path = uri[len("sqlite:///"):]
        if not Path(path).is_file():
            return f"cannot read the MLflow store: no file {path}"
    return None


def map_store(tracking_uri: str, reader: Reader, *, registry_uri: str | None = None, since: int | None = None,
              progress: Progress = no_progress) -> Mapped:
    for uri in (tracking_uri, registry_uri):
        problem = _missing_sqlite(uri)
        if problem:
            raise ValidationFailed([Problem(uri, problem)])
    key = f"mlflow:{tracking_uri}"
    mark = reader("import_watermark", key=key)
    start = since if since is not None else (mark[0]["at"] if mark else None)
    try:
        c = client(tracking_uri, registry_uri)
        src = _Reader(c, progress)
    except ValidationFailed:
        raise
    except Exception as e:  # noqa: BLE001 - MLflow raises many kinds for an unreadable store
        raise ValidationFailed([Problem(tracking_uri, f"cannot read the MLflow store: {str(e)[:300]}")]) from e
    mapped = Mapped(SOURCE)
    reopen = [r["id"] for r in reader("running_runs_of", open=OPEN_STATUSES, namespace=EXPERIMENTS)]
    runs = src.runs_since(start, reopen)
    newest = [start or 0]
    artifacts: dict[str, dict] = {}
    origins: dict[str, str] = {}
    users: dict[str, tuple[str, str]] = {}

    def add_artifact(art: dict, origin: str) -> None:
        have = artifacts.get(art["uid"])
        if have is None:
            artifacts[art["uid"]] = art
            origins[art["uid"]] = origin
            return
        seen = {v["version"] for v in have.get("versions", [])}
        have.setdefault("versions", []).extend(v for v in art.get("versions", []) if v["version"] not in seen)

    with_runs = {r.info.experiment_id for r in runs}
    for e in src.experiments.values():
        uid = f"{EXPERIMENTS}/{e.name}"
        if e.experiment_id != "0" or e.experiment_id in with_runs:  # the empty Default is noise
            add_artifact({"uid": uid, "kind": "pipeline", "versions": []}, f"experiment {e.name!r}")
        tags = {k: v for k, v in e.tags.items() if not k.startswith("mlflow.")}
        owners = _owners(tags, uid)
        if owners is not None:
            mapped.declarations[(uid, SOURCE)] = owners
        newest.append(e.last_update_time or 0)
    for r in progress(runs, len(runs), "reading runs"):
        e = src.experiments.get(r.info.experiment_id)
        if e is None:
            mapped.problems.append(Problem(f"run {r.info.run_id}", "its experiment is not readable"))
            continue
        uid = f"{EXPERIMENTS}/{e.name}"
        version, datasets, _ = _run_version(r, uid)
        add_artifact({"uid": uid, "kind": "pipeline", "versions": [version]}, f"experiment {e.name!r}")
        for d in datasets:
            add_artifact(d, f"dataset {d['uid'].split('/', 1)[1]!r} (run {r.info.run_id})")
        users[r.info.run_id] = (r.info.user_id or "", uid)
        newest += [r.info.start_time or 0, r.info.end_time or 0]
    for rm in _all(c.search_registered_models, max_results=PAGE):
        uid = f"{MODELS}/{rm.name}"
        tags = {k: v for k, v in rm.tags.items() if k not in OWNER_TAGS}
        art: dict[str, Any] = {"uid": uid, "kind": "model", "tags": sorted(f"{k}={v}" for k, v in tags.items()),
                               "versions": []}
        if rm.description:
            art["description"] = rm.description
        aliases: dict[str, list[str]] = {}
        for alias, number in (rm.aliases or {}).items():
            aliases.setdefault(str(number), []).append(alias)
        versions = _all(c.search_model_versions, filter_string=f"name='{rm.name}'".replace("\\", "\\\\"),
                        max_results=PAGE) if "'" not in rm.name else []
        owners = _owners(rm.tags, uid)
        for mv in versions:
            v: dict[str, Any] = {"version": str(mv.version), "created_at": _iso(mv.creation_timestamp),
                                 "deployment": {"aliases": sorted(aliases.get(str(mv.version), [])),
                                                "tags": dict(mv.tags or {})}}
            if mv.run_id:
                try:
                    r = src.run(mv.run_id)
                except Exception:  # noqa: BLE001 - the run was deleted
                    r = None
                if r is not None:
                    e = src.experiments.get(r.info.experiment_id)
                    rv, datasets, _ = _run_version(r, "")
                    v.update(run=rv["run"], hyperparameters=rv["hyperparameters"], metrics=rv["metrics"])
                    if rv.get("commit"):
                        v["commit"] = rv["commit"]
                    if e is not None:
                        exp_uid = f"{EXPERIMENTS}/{e.name}"
                        add_artifact({"uid": exp_uid, "kind": "pipeline", "versions": [
                            _run_version(r, exp_uid)[0]]}, f"experiment {e.name!r}")
                        users.setdefault(r.info.run_id, (r.info.user_id or "", exp_uid))
                        for d in datasets:
                            add_artifact(d, f"dataset {d['uid'].split('/', 1)[1]!r} (run {r.info.run_id})")
                        v["derived_from"] = [{"uid": f"{exp_uid}@{r.info.run_id}", "relation": "trained_in"}]
                        if owners is None:
                            owners = _owners({k: v2 for k, v2 in e.tags.items()}, uid)
            art["versions"].append(v)
            newest.append(mv.last_updated_timestamp or 0)
        if "'" in rm.name:
            mapped.problems.append(Problem(f"registered model {rm.name!r}", "a name with a quote cannot be searched"))
        newest.append(rm.last_updated_timestamp or 0)
        add_artifact(art, f"registered model {rm.name!r}")
        if owners is not None:
            mapped.declarations[(uid, SOURCE)] = owners
    for uid, art in artifacts.items():
        mapped.add("artifacts", art, origins[uid])
    mapped.declarations = {k: v for k, v in mapped.declarations.items() if k[0] in artifacts or _exists(reader, k[0])}
    mapped.extra = _extra(users, key, max(newest))
    return mapped


def _exists(reader: Reader, uid: str) -> bool:
    return bool(reader("artifact_summaries", uids=[uid]))


def _extra(users: dict[str, tuple[str, str]], key: str, newest: int):
    """Who ran each run and its experiment (RUN_OF), and the watermark."""
    def plan(reader: Reader, at: int) -> tuple[list[Statement], list[Change], set[str]]:
        ids = sorted(users)
        state = {}
        for i in range(0, len(ids), 500):
            state.update({r["id"]: r for r in reader("mlflow_run_state", ids=ids[i:i + 500])})
        rows, changes = [], []
        for rid in ids:
            user, uid = users[rid]
            cur = state.get(rid) or {}
            if cur.get("user") != (user or None) or uid not in (cur.get("run_of") or []):
                rows.append({"id": rid, "user": user or None, "uid": uid})
                changes.append(Change("run.ran_by", "run", rid, {"user": user or None, "run_of": uid}))
        mark = reader("import_watermark", key=key)
        stmts = [Statement("mlflow_link_runs", {"rows": rows})] if rows else []
        if newest and (not mark or (mark[0]["at"] or 0) < newest):
            stmts.append(Statement("set_import_watermark", {"rows": [{"key": key, "at": newest}]}))
            changes.append(Change("import.watermark", "source", key, {"at": newest}))
        return stmts, changes, set()
    return plan
