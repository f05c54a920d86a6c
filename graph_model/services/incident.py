"""Upstream owners of a failing artifact, and whom to page: the responder's question.

Starts at a version (the given one, else the newest as of the incident time; for a
deployment that is the deployment version, whose upstream holds the model version it
actually runs), walks lineage upstream, and reads every upstream artifact's owners,
team and last change as they were at the incident time.
"""

from __future__ import annotations

from ..clock import now_ms
from ..schema import from_epoch_ms
from ..store.base import GraphStore
from . import artifact_flags, code_changes, lineage_walk, ownership, paging, playbooks, read_batch, resolve, runs
from .person_view import load_people
from .recent_changes import CHANGE, classify as classify_recent

MAX_DEPTH = lineage_walk.MAX_DEPTH   # the pages' depth field is bounded by it
DEFAULT_DEPTH = lineage_walk.DEFAULT_DEPTH


def incident(store: GraphStore, uid: str, *, version: str | None = None, depth: int | None = None,
             as_of: int | None = None, max_versions: int = lineage_walk.DEFAULT_MAX_VERSIONS) -> dict:
    """Everything a responder needs about ``uid`` failing at ``as_of`` (default now).

    Returns:
        dict with ``artifact`` (owners, team with escalation, links, version, flags),
        ``upstream`` (each artifact once, nearest first; within a distance real changes
        newest first, then data refreshes, then the rest; with ``last_change`` = its newest
        version and ``recent_change`` = the newest version *on the path* made or committed
        in the 7 days before the incident, else null, with ``kind`` (``recent_change`` or
        ``data_refresh``, also its flag), ``what`` changed in one line and the two versions
        to ``compare``; see ``services.recent_changes``), ``edges``, ``code_changes``
        (recent commits to the code of the failing artifact and its upstream, nearest
        first, from the git import), ``page`` (ordered
        people with reasons), ``notes``, ``truncated`` and ``truncated_reason``.

    Raises:
        NotFound: unknown artifact or version. BadParameter: depth out of range.
    """
    depth = lineage_walk.check_depth(depth)
    at = now_ms() if as_of is None else as_of
    start = resolve.version(store, uid, version, at)
    walk = lineage_walk.walk(store, [start["uid"]], lineage_walk.UPSTREAM, depth, max_versions)
    reached = walk.artifacts()
    reached.pop(uid, None)  # earlier versions of the failing artifact itself are not "upstream"
    uids = [uid, *reached]
    nearest = sorted(reached.items(), key=lambda kv: (kv[1]["distance"], kv[0]))
    ordered = [(uid, 0)] + [(u, i["distance"]) for u, i in nearest]
    # what the walk decides, read as one query; then what depends on those answers
    owned, changes, code, path_changes, failed, reviewed = read_batch.together(
        store,
        lambda s: ownership.load_owned(s, uids, at),
        lambda s: ownership.load_last_changes(s, uids, at),
        lambda s: code_changes.recent(s, ordered, at),
        lambda s: ownership.load_version_changes(s, list(walk.distance)),
        lambda s: runs.failed(s, uids, at),
        lambda s: artifact_flags.review_flags(s, uids, at))
    on_path = {auid: ownership.newest_recent_row([path_changes[v] for v in info["versions"]
                                                  if v in path_changes], at)
               for auid, info in reached.items()}
    if start["uid"] in path_changes:
        on_path[uid] = ownership.newest_recent_row([path_changes[start["uid"]]], at)
    own = owned[uid]
    members, recents, playbook = read_batch.together(
        store,
        lambda s: ownership.load_members(s, {o.team["id"] for o in owned.values() if o.team}, at),
        lambda s: classify_recent(s, {a: r for a, r in on_path.items() if r}, at),
        # what to do about it: artifact, team or kind playbook, field by field (services.playbooks)
        lambda s: playbooks.resolve(s.read, uid, own.kind, (own.team or {}).get("id")))
    person_ids = set()
    for o in owned.values():
        person_ids.update(p["id"] for p in ([o.owner] if o.owner else []) + o.stewards)
        if o.team:
            person_ids.update(o.team["escalation"])
    person_ids.update(c["author"] for c in changes.values() if c.get("author"))
    person_ids.update(c["author"] for c in code if c.get("author"))
    person_ids.update(pid for ids in members.values() for pid in ids)
    people = load_people(store, person_ids)

    relations: dict[str, list[dict]] = {}
    for e in walk.edges:
        target_art = walk.artifact_of.get(e["target"])
        if target_art in reached:
            relations.setdefault(target_art, []).append(e)

    upstream = []
    for auid, info in sorted(reached.items(), key=lambda kv: _order(kv[0], kv[1]["distance"], recents)):
        o = owned.get(auid)
        change = changes.get(auid)
        recent = recents.get(auid)
        item = (o.as_dict(people) if o else {"uid": auid, "kind": None, "owner": None, "stewards": [],
                                              "team": None, "links": {}, "description": None})
        item.update(distance=info["distance"], versions=info["versions"],
                    relations=relations.get(auid, []), last_change=ownership.last_change_view(change),
                    recent_change=recent.view if recent else None,
                    flags=ownership.flags(o, change, at, recent.flag if recent else False))
        upstream.append(item)

    for item in upstream:
        if item["uid"] in failed:
            item["flags"].append(runs.RUN_FAILED)
    failing = owned[uid].as_dict(people)
    own_recent = recents.get(uid)
    failing.update(version=start["uid"], last_change=ownership.last_change_view(changes.get(uid)),
                   recent_change=own_recent.view if own_recent else None,
                   flags=ownership.flags(owned[uid], changes.get(uid), at, own_recent.flag if own_recent else False))
    if uid in failed:
        failing["flags"].append(runs.RUN_FAILED)
    for item in [failing, *upstream]:
        item["flags"].extend(reviewed.get(item["uid"], []))
    for item in [failing, *upstream]:
        if item.get("team"):
            item["team"]["members"] = [people[pid] for pid in members.get(item["team"]["id"], [])
                                       if pid in people]
    page, notes = paging.build_page(_for_paging(failing), [_for_paging(u) for u in upstream], people, code)
    if as_of is not None:
        notes.append("ownership, team accountability, team membership and versions are as of the "
                     "time asked; active flags and escalation lists are as they are now")
    return {
        "artifact": failing,
        "at": from_epoch_ms(at),
        "depth": depth,
        "upstream": upstream,
        "edges": walk.edges,
        "code_changes": code,
        "page": page,
        "notes": notes,
        "counts": {"upstream_artifacts": len(upstream), "upstream_versions": len(walk.distance) - 1,
                   "recent_changes": sum("recent_change" in u["flags"] for u in upstream),
                   "data_refreshes": sum("data_refresh" in u["flags"] for u in upstream),
                   "runs_failed": sum(runs.RUN_FAILED in u["flags"] for u in upstream)},
        "truncated": walk.truncated,
        "truncated_reason": walk.truncated_reason,
        "playbook": playbook,
    }


def _order(auid: str, distance: int, recents: dict) -> tuple:
    """Nearest first; within a distance, real changes newest first, then data refreshes
    newest first, then the rest by uid (the page list follows this order)."""
    r = recents.get(auid)
    rank = 2 if r is None else 0 if r.flag == CHANGE else 1
    return distance, rank, -(r.at_ms if r else 0), auid


def _for_paging(item: dict) -> dict:
    """The paging module works on person ids for team escalation lists."""
    team = item.get("team")
    if team:
        team = {"id": team["id"], "name": team["name"], "escalation": [p["id"] for p in team["escalation"]]}
    return dict(item, team=team)
