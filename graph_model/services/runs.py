"""Run outcomes as a risk flag: ``run_failed`` means the latest run of a pipeline (or the
latest run that said it writes a dataset) failed.

Why per artifact and "latest": a pipeline that failed once and then succeeded is healthy;
one whose last attempt failed leaves its outputs stale, and its owners are whom a
responder downstream wants first (incident ranks them with recent changes). One
definition, read by incident and hotspots, so an artifact carries the same flag in both.
"""

from __future__ import annotations

from ..store.base import GraphStore, batched

RUN_FAILED = "run_failed"
FAILED = "failed"


def latest_runs(store: GraphStore, uids: list[str], at: int) -> dict[str, dict]:
    """Artifact uid -> its latest run started by ``at``: {run, status, error_message, ended_at}."""
    out: dict[str, dict] = {}
    for chunk in batched(sorted(set(uids))):
        for r in store.read("latest_run_status", uids=chunk, at=at):
            if r.get("run"):
                out[r["uid"]] = r
    return out


def failed(store: GraphStore, uids: list[str], at: int) -> set[str]:
    """The artifacts among ``uids`` whose latest run by ``at`` failed."""
    return {uid for uid, r in latest_runs(store, uids, at).items() if r.get("status") == FAILED}


def failed_all(store: GraphStore) -> set[str]:
    """Every artifact whose latest run failed (hotspots reads the whole catalogue)."""
    rows = store.read("artifacts_latest_run_failed")
    return set(rows[0]["uid"]) if rows else set()
