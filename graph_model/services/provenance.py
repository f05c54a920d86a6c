"""One version's provenance: what it was built from and how, for the artifact page.

Why separate from ``artifacts.show``: the card lists every version briefly; a responder
looking at one version wants its hyperparameters, metrics, deployment conditions, the
commit and the run with its log, and its lineage both ways, and that is read only for
the version asked about.
"""

from __future__ import annotations

from ..errors import NotFound
from ..schema import from_epoch_ms, version_uid
from ..store.base import GraphStore
from .lineage_view import columns
from .stored_json import load_map as _map


def version(store: GraphStore, uid: str, name: str) -> dict:
    """Provenance of version ``name`` of artifact ``uid``.

    Returns:
        dict with uid, version, created_at, hyperparameters, metrics, deployment (dicts),
        commit, run (with log_uri), previous (version uid or None), parents, children.

    Raises:
        NotFound: the artifact has no such version.
    """
    vuid = version_uid(uid, name)
    rows = store.read("version_detail", uid=vuid)
    if not rows or rows[0]["artifact"] != uid:
        raise NotFound(f"unknown version {vuid!r}")
    r = rows[0]
    return {
        "uid": r["uid"], "artifact": uid, "version": r["version"], "created_at": from_epoch_ms(r["created_at"]),
        "hyperparameters": _map(r["hyperparameters"]), "metrics": _map(r["metrics"]),
        "deployment": _map(r["deployment"]),
        "commit": ({"sha": r["sha"], "repo": r["repo"], "message": r["message"], "author": r["author"],
                    "time": from_epoch_ms(r["commit_time"])} if r.get("sha") else None),
        "run": ({"id": r["run"], "status": r["run_status"], "started_at": from_epoch_ms(r["run_started_at"]),
                 "ended_at": from_epoch_ms(r["run_ended_at"]), "log_uri": r["log_uri"],
                 "error_message": r.get("run_error")}
                if r.get("run") else None),
        "previous": r["previous"],
        "schema": columns(r.get("schema")),
        "parents": store.read("version_parents", uid=vuid),
        "children": store.read("version_children", uid=vuid),
    }
