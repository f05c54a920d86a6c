"""Risk flags for artifacts reached on a lineage path other than the incident's: the
downstream artifacts of an impact answer and the neighbours of an artifact card.

Why its own module: the graph overview counts, per group, the artifacts nobody active
owns and those changed recently, and an artifact must carry the same flags on every page
(``risk``). The incident service computes them inline for its upstream; this computes
them the same way (``ownership.flags``, ``runs.failed``) for any set of artifacts and
the versions of each that lie on the path, without widening the impact answer the API
returns. Three batched reads (last changes, version changes, runs), plus the owners when
the caller does not have them: an impact answer does, and reading them again doubled the
cost (on the 2,000-artifact bench graph, on a busy 2-core machine, owners took 1.7 s of
the 2.3 s; see bench/README.md, "Graph overview").
"""

from __future__ import annotations

from ..clock import now_ms
from ..store.base import GraphStore
from . import ownership, runs


def flags_by_artifact(store: GraphStore, path_versions: dict[str, list[str]], at: int | None = None, *,
                      owners: dict[str, dict] | None = None) -> dict[str, list[str]]:
    """Artifact uid -> its risk flags at ``at`` (default now).

    Args:
        path_versions: artifact uid -> the uids of its versions on the lineage path in
            question; ``recent_change`` is set when one of them (or its commit) is recent.
        owners: artifact uid -> an answer's item with its current ``owner`` and
            ``stewards`` (people with ``active``), as of ``at``; read from the store when
            not given.
    """
    at = now_ms() if at is None else at
    uids = list(path_versions)
    if not uids:
        return {}
    if owners is None:
        owned = ownership.load_owned(store, uids, at)
    else:
        owned = {uid: ownership.Owned(uid, o.get("kind"), None, {}, o.get("owner"), o.get("stewards") or [], None)
                 for uid, o in owners.items()}
    changes = ownership.load_last_changes(store, uids, at)
    version_changes = ownership.load_version_changes(store, [v for vs in path_versions.values() for v in vs])
    failed = runs.failed(store, uids, at)
    out: dict[str, list[str]] = {}
    for uid, versions in path_versions.items():
        recent = ownership.newest_recent([version_changes[v] for v in versions if v in version_changes], at)
        flags = ownership.flags(owned.get(uid), changes.get(uid), at, recent is not None)
        if uid in failed:
            flags.append(runs.RUN_FAILED)
        out[uid] = flags
    return out
