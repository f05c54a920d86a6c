"""Downstream impact: what breaks if an artifact (or one version of it) is bad, and whom
to notify. Without a version the walk starts from every version of the artifact, since
an old version may still feed a deployed model."""

from __future__ import annotations

from ..store.base import GraphStore
from ..clock import now_ms
from . import lineage_walk, ownership, resolve
from .person_view import load_people

KIND_ORDER = ["deployment", "model", "evaluation", "metric", "feature_set", "pipeline", "dataset", "other"]


def impact(store: GraphStore, uid: str, *, version: str | None = None, depth: int | None = None,
           max_versions: int = lineage_walk.DEFAULT_MAX_VERSIONS) -> dict:
    """Every artifact derived from ``uid``, transitively, grouped by kind, with owners.

    Returns:
        dict with ``artifact``, ``start_versions``, ``groups`` ([{kind, artifacts}] with
        deployments and models first), ``counts`` per kind, ``notify`` (active people once
        each, with what they own in the blast radius), ``inactive_owners``, ``teams``, ``edges``, ``truncated``.

    Raises:
        NotFound: unknown artifact or version. BadParameter: depth out of range.
    """
    depth = lineage_walk.check_depth(depth)
    at = now_ms()
    starts = resolve.versions(store, uid, version, at)
    walk = lineage_walk.walk(store, starts, lineage_walk.DOWNSTREAM, depth, max_versions)
    reached = walk.artifacts()
    reached.pop(uid, None)
    owned = ownership.load_owned(store, list(reached), at)
    ids = {p["id"] for o in owned.values() for p in ([o.owner] if o.owner else []) + o.stewards}
    ids.update(pid for o in owned.values() if o.team for pid in o.team["escalation"])
    people = load_people(store, ids)

    groups: dict[str, list[dict]] = {}
    notify: dict[str, dict] = {}
    teams: dict[str, dict] = {}
    for auid, info in sorted(reached.items(), key=lambda kv: (kv[1]["distance"], kv[0])):
        o = owned.get(auid)
        item = o.as_dict(people) if o else {"uid": auid, "kind": "other", "owner": None, "stewards": [],
                                            "team": None, "links": {}, "description": None}
        item.update(distance=info["distance"], versions=info["versions"])
        groups.setdefault(item["kind"] or "other", []).append(item)
        for role, person in [("primary", item["owner"])] + [("steward", s) for s in item["stewards"]]:
            if not person:
                continue
            entry = notify.setdefault(person["id"], {"person": person, "owns": []})
            entry["owns"].append({"uid": auid, "kind": item["kind"], "role": role, "distance": info["distance"]})
        if item["team"]:
            t = teams.setdefault(item["team"]["id"], {"id": item["team"]["id"], "name": item["team"]["name"],
                                                      "escalation": item["team"]["escalation"], "artifacts": []})
            t["artifacts"].append(auid)
    ordered = [{"kind": k, "artifacts": groups[k]} for k in KIND_ORDER if k in groups]
    ordered += [{"kind": k, "artifacts": v} for k, v in sorted(groups.items()) if k not in KIND_ORDER]
    def nearest(n: dict) -> tuple:
        return min(o["distance"] for o in n["owns"]), n["person"]["id"]

    notify_list = sorted((n for n in notify.values() if n["person"]["active"]), key=nearest)
    inactive = sorted((n for n in notify.values() if not n["person"]["active"]), key=nearest)
    return {
        "artifact": uid,
        "start_versions": starts,
        "depth": depth,
        "groups": ordered,
        "counts": {g["kind"]: len(g["artifacts"]) for g in ordered} | {"total": len(reached)},
        "notify": notify_list,
        "inactive_owners": inactive,
        "teams": sorted(teams.values(), key=lambda t: t["id"]),
        "edges": walk.edges,
        "truncated": walk.truncated,
        "truncated_reason": walk.truncated_reason,
    }
