"""Whom to page, in order, each person once with every reason: pure logic, no store.

Order (README, "Whom to page"): the failing artifact's primary owner and stewards;
then owners and stewards of upstream artifacts with a recent change, nearest first,
with the authors of those changes; then the authors of recent commits to the code of
the failing artifact and its upstream (git import), nearest first; then owners and
stewards of upstream artifacts whose recent version was only a data refresh
(``risk.FLAGS["data_refresh"]``), nearest first; then the other upstream owners, nearest first;
then the teams' escalation lists (failing artifact's team first). Inactive people are
never paged: where an owner is inactive (or missing), that artifact's stewards and its
team's escalation list are pulled forward in its place, and a note says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .person_view import unknown_person


@dataclass
class Pager:
    people: dict[str, dict]                      # id -> {id, name, email, active}
    page: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _index: dict[str, dict] = field(default_factory=dict)
    _teams_done: set[str] = field(default_factory=set)

    def add(self, pid: str | None, reason: str) -> None:
        if not pid:
            return
        person = self.people.get(pid) or unknown_person(pid)
        if not person["active"]:
            return
        entry = self._index.get(pid)
        if entry is None:
            entry = {"order": len(self.page) + 1, "person": person, "reasons": []}
            self._index[pid] = entry
            self.page.append(entry)
        if reason not in entry["reasons"]:
            entry["reasons"].append(reason)

    def team(self, team: dict | None, why: str) -> None:
        """Add a team's escalation list, in its order, once per team."""
        if not team or team["id"] in self._teams_done:
            return
        self._teams_done.add(team["id"])
        for i, pid in enumerate(team["escalation"], 1):
            self.add(pid, f"escalation #{i} of team {team['name']} ({why})")

    def owners(self, art: dict, label: str, routed_team: bool = True) -> None:
        """Primary owner then stewards of one artifact; reroute when the owner can't be paged."""
        owner = art.get("owner")
        if owner:
            self.add(owner["id"], f"primary owner of {label}")
        for s in art.get("stewards") or []:
            self.add(s["id"], f"steward of {label}")
        if owner and not owner["active"]:
            self.notes.append(f"{_name(owner)}, primary owner of {art['uid']}, is inactive: routed to "
                              f"{'its stewards and ' if art.get('stewards') else ''}"
                              f"{'team escalation' if art.get('team') else 'no one (no team)'}")
        elif not owner:
            self.notes.append(f"{art['uid']} has no primary owner: routed to "
                              f"{'its stewards and ' if art.get('stewards') else ''}"
                              f"{'team escalation' if art.get('team') else 'no one (no team)'}")
        for s in art.get("stewards") or []:
            if not s["active"]:
                self.notes.append(f"{_name(s)}, steward of {art['uid']}, is inactive and is not paged")
        if routed_team and (not owner or not owner["active"]):
            self.team(art.get("team"), f"accountable for {art['uid']}, whose owner can't be paged")


def _refreshed(u: dict) -> bool:
    """Its recent version only brought new data (flag ``data_refresh``)."""
    rc = u.get("recent_change") or {}
    return "data_refresh" in (u.get("flags") or []) or rc.get("kind") == "data_refresh"


def _changed(u: dict) -> bool:
    """It has a recent change that is not only a data refresh."""
    return bool(u.get("recent_change")) and not _refreshed(u)


def _name(p: dict) -> str:
    return f"{p.get('name') or p['id']} ({p['id']})"


def build_page(failing: dict, upstream: list[dict], people: dict[str, dict],
               code_changes: list[dict] | None = None) -> tuple[list[dict], list[str]]:
    """The ordered page list and routing notes.

    Args:
        failing: the failing artifact (owner, stewards, team with escalation ids).
        upstream: upstream artifacts sorted nearest first, each with owner, stewards, team,
            distance and ``recent_change`` (the new version on the path with its commit
            author and a human ``ago``, or None).
        code_changes: recent commits to the code of the failing artifact and its
            upstream, nearest first (``services.code_changes``); their authors come
            after the owners of recent upstream changes.
    """
    p = Pager(people)
    p.owners(failing, failing["uid"])
    # a pipeline whose latest run failed ranks with the recent changes; data refreshes
    # (new data, no change in code, parameters, schema or inputs) rank after them
    recent = [u for u in upstream if _changed(u) or "run_failed" in (u.get("flags") or [])]
    for u in recent:
        rc = u.get("recent_change") if _changed(u) else {}
        why = [f"changed {rc['ago']}"] if rc else []
        if "run_failed" in (u.get("flags") or []):
            why.append("latest run failed")
        label = f"{u['uid']} (distance {u['distance']}), {' and '.join(why)}"
        p.owners(u, label)
        if rc.get("author"):
            sha = (rc.get("commit") or "")[:10]
            p.add(rc["author"], f"authored commit {sha} of {rc['version']} (distance {u['distance']}), {rc['ago']}")
    for c in code_changes or []:
        p.add(c.get("author"), f"changed the code of {c['uid']} {c['ago']} (commit {c['sha'][:10]})")
    ranked = {u["uid"] for u in recent}
    for u in upstream:
        if u["uid"] not in ranked and _refreshed(u):
            ranked.add(u["uid"])
            ago = (u.get("recent_change") or {}).get("ago")
            p.owners(u, f"{u['uid']} (distance {u['distance']}), data refreshed {ago}")
    for u in upstream:
        if u["uid"] not in ranked:
            p.owners(u, f"{u['uid']} (distance {u['distance']})")
    p.team(failing.get("team"), f"accountable for {failing['uid']}")
    for u in upstream:
        p.team(u.get("team"), f"accountable for {u['uid']}, distance {u['distance']}")
    if not p.page:
        p.notes.append("no active owner, steward or escalation contact was found for this incident")
    return p.page, p.notes
