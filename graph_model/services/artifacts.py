"""Looking artifacts up: the full card (``show``) and search.

``show`` is what ``ownergraph show --json`` prints and ``GET /api/v1/artifact`` returns,
so both stay one implementation.
"""

from __future__ import annotations

from ..errors import BadParameter, NotFound
from ..schema import from_epoch_ms
from ..store.base import GraphStore
from . import artifact_flags, declared, lineage_view, stored_json
from .person_view import escalation_people, load_people, person_view, split_owners

SEARCH_LIMIT_MAX = 200


def _dated(row: dict) -> dict:
    return person_view(row) | {"since": from_epoch_ms(row.get("since"))}


def show(store: GraphStore, uid: str) -> dict:
    """An artifact's card: owners, team and escalation, versions, lineage, links.

    Raises:
        NotFound: no artifact has this uid.
    """
    rows = store.read("artifact_detail", uid=uid)
    if not rows:
        raise NotFound(f"unknown artifact {uid!r}")
    a = rows[0]
    owner, stewards = split_owners(a["owners"], view=_dated)
    team_row = next((t for t in a["teams"] if t.get("id")), None)
    team = None
    if team_row:
        ids = team_row.get("escalation") or []
        team = {"id": team_row["id"], "name": team_row["name"],
                "escalation": escalation_people(load_people(store, ids), ids)}
    versions = [
        {"uid": v["uid"], "version": v["version"], "created_at": from_epoch_ms(v["created_at"]),
         "commit": ({"sha": v["commit"], "author": v["author"], "time": from_epoch_ms(v["commit_time"]),
                     "message": v["commit_message"]} if v["commit"] else None),
         "run": {"id": v["run"], "status": v["run_status"]} if v["run"] else None}
        for v in store.read("artifact_versions", uid=uid)
    ]
    latest = versions[0]["uid"] if versions else None
    lineage = lineage_view.facts(a)
    if lineage is not None and a["kind"] == "pipeline":
        lineage["runs"] = lineage_view.runs(store, uid)
    return {
        "uid": a["uid"], "kind": a["kind"], "namespace": a["namespace"], "name": a["name"],
        "description": a["description"], "tags": a["tags"] or [], "links": stored_json.load_map(a["links"]),
        "owner": owner, "stewards": stewards,
        "team": team,
        # what sources (OpenLineage, CODEOWNERS ...) declare, beside what is set
        "declared": declared.of_artifact(store, uid),
        # what OpenLineage said: original names, sql, documentation, source, schema, runs
        "lineage": lineage,
        "versions": versions,
        "latest_version": latest,
        "parents": store.read("version_parents", uid=latest) if latest else [],
        "children": store.read("version_children", uid=latest) if latest else [],
        "flags": artifact_flags.card_flags(store, uid),   # docs/flags.md, as of now
    }


def search(store: GraphStore, q: str, limit: int = 20) -> list[dict]:
    """Artifacts whose uid, owner or team matches ``q`` (case-insensitive substring)."""
    q = (q or "").strip().lower()
    if not q:
        raise BadParameter("q", "search text is empty")
    if not 1 <= limit <= SEARCH_LIMIT_MAX:
        raise BadParameter("limit", f"must be between 1 and {SEARCH_LIMIT_MAX}")
    matched: dict[str, list[str]] = {}
    for row in store.read("search_artifacts", q=q, limit=limit):
        matched.setdefault(row["uid"], []).append(row["matched"])
    uids = sorted(matched, key=lambda u: ("uid" not in matched[u], u))[:limit]
    rows = {r["uid"]: r for r in store.read("artifact_summaries", uids=uids)}
    return [rows[u] | {"matched": sorted(set(matched[u]))} for u in uids if u in rows]
