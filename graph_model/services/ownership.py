"""Who owned a set of artifacts at a time, what changed last, and the risk flags.

Shared by incident (upstream) and impact (downstream) so both read ownership the
same way: edges valid at the time asked (``since <= t < until``), inactive people
marked, and the flags a responder acts on.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..clock import DAY_MS
from ..schema import from_epoch_ms
from ..store.base import GraphStore, batched
from . import risk, stored_json
from .person_view import escalation_people, split_owners


@dataclass
class Owned:
    """One artifact's ownership at the time asked."""

    uid: str
    kind: str
    description: str | None
    links: dict
    owner: dict | None
    stewards: list[dict]
    team: dict | None   # {id, name, escalation: [person ids], oncall (when a catalog gave one)}

    def as_dict(self, people: dict[str, dict]) -> dict:
        team = None
        if self.team:
            team = {"id": self.team["id"], "name": self.team["name"],
                    "escalation": escalation_people(people, self.team["escalation"])}
            if self.team.get("oncall"):
                team["oncall"] = self.team["oncall"]
        return {"uid": self.uid, "kind": self.kind, "description": self.description, "links": self.links,
                "owner": self.owner, "stewards": self.stewards, "team": team}


def load_owned(store: GraphStore, uids: list[str], at: int) -> dict[str, Owned]:
    out: dict[str, Owned] = {}
    for chunk in batched(sorted(set(uids))):
        for r in store.read("owners_as_of", uids=chunk, at=at):
            primary, stewards = split_owners(r["owners"])
            team_row = next((t for t in r["teams"] if t.get("id")), None)
            team = ({"id": team_row["id"], "name": team_row["name"],
                     "escalation": list(team_row.get("escalation") or [])} if team_row else None)
            if team_row and team_row.get("oncall"):  # from a catalog import (Backstage annotations)
                team["oncall"] = stored_json.load_map(team_row["oncall"])
            out[r["uid"]] = Owned(r["uid"], r["kind"], r.get("description"),
                                  stored_json.load_map(r.get("links")), primary, stewards, team)
    return out


def load_members(store: GraphStore, team_ids: set[str], at: int) -> dict[str, list[str]]:
    """Team id -> ids of its members at ``at`` (membership edges carry since/until)."""
    out: dict[str, list[str]] = {tid: [] for tid in team_ids}
    for chunk in batched(sorted(team_ids)):
        for r in store.read("members_as_of", teams=chunk, at=at):
            out[r["team"]].append(r["id"])
    return {tid: sorted(ids) for tid, ids in out.items()}


def load_last_changes(store: GraphStore, uids: list[str], at: int) -> dict[str, dict]:
    """Artifact uid -> its newest version as of ``at`` with commit, and last activity."""
    out: dict[str, dict] = {}
    for chunk in batched(sorted(set(uids))):
        for r in store.read("last_changes", uids=chunk, at=at):
            out[r["uid"]] = r
    return out


def last_change_view(row: dict | None) -> dict | None:
    if not row or not row.get("version"):
        return None
    return {"version": row["version"], "created_at": from_epoch_ms(row.get("created_at")),
            "commit": row.get("sha"), "author": row.get("author"),
            "commit_time": from_epoch_ms(row.get("commit_time"))}


def change_time(row: dict | None) -> int | None:
    """The latest instant among the newest version's creation and its commit."""
    if not row:
        return None
    times = [t for t in (row.get("created_at"), row.get("commit_time")) if t is not None]
    return max(times) if times else None


def last_activity(change: dict | None) -> int | None:
    """The newest version creation or run start/end of a ``load_last_changes`` row."""
    times = [t for t in ((change or {}).get("last_version_at"), (change or {}).get("last_run_at"))
             if t is not None]
    return max(times) if times else None


def flags(owned: Owned | None, change: dict | None, at: int, recent: bool | str) -> list[str]:
    """Risk flags of one artifact at ``at``, by the rules of ``risk`` (docs/flags.md).

    Args:
        recent: whether a version on the lineage path in question (or its commit) is
            within the days before ``at`` that count as recent; the caller knows the path.
            A flag name (``recent_change`` or ``data_refresh``) says which of the two it is.
    """
    out = risk.ownership_flags([owned.owner["active"]] if owned and owned.owner else [],
                               [s["active"] for s in owned.stewards] if owned else [])
    if risk.is_stale(last_activity(change), at):
        out.append("stale")
    if recent:
        out.append(recent if isinstance(recent, str) else "recent_change")
    return out


def load_version_changes(store: GraphStore, vuids: list[str]) -> dict[str, dict]:
    """Version uid -> {version, created_at, sha, author, commit_time}."""
    out: dict[str, dict] = {}
    for chunk in batched(sorted(set(vuids))):
        for r in store.read("version_changes", uids=chunk):
            out[r["version"]] = r
    return out


def newest_recent_row(rows: list[dict], at: int) -> dict | None:
    """The most recent of ``rows`` (version changes) inside the recent days before ``at``."""
    inside = [(change_time(r), r) for r in rows]
    inside = [(t, r) for t, r in inside if risk.is_recent(t, at)]
    return max(inside, key=lambda tr: tr[0])[1] if inside else None


def recent_view(row: dict, at: int) -> dict:
    """``last_change_view`` of a version change row, with ``ago`` ("4 hours before")."""
    view = last_change_view(row) or {}
    view["ago"] = days_before(change_time(row), at)
    return view


def newest_recent(rows: list[dict], at: int) -> dict | None:
    """The view of the most recent of ``rows`` inside the recent days before ``at``."""
    row = newest_recent_row(rows, at)
    return recent_view(row, at) if row else None


def days_before(t: int, at: int) -> str:
    days = (at - t) / DAY_MS
    if days < 1:
        hours = max(1, round(days * 24))
        return f"{hours} hour{'s' if hours != 1 else ''} before"
    d = round(days)
    return f"{d} day{'s' if d != 1 else ''} before"
