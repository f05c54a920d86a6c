"""The demo organisation's last 90 days: how it was, and the changes since.

Why: ownership "as of" a past date, an artifact's ownership history and ``history``
only show something if ownership changed over time. So the demo is loaded as the
organisation was ``HISTORY_DAYS`` ago (every unit dated then), and then these changes
are applied one by one through the audited write path, each dated on its day, oldest
first, so the audit chain is in time order and verifies:

- 62 days ago, a handover: the online features of the first product team (the
  recent change upstream of the failing deployment) pass to their current owner;
- 45 days ago, a team move: an engineer of that team moves to another team, still
  owning the production deployment;
- 21 days ago, a handover: they hand the production deployment to its current owner;
- 14 days ago, a departure: the owner of the team's labels table leaves (and keeps
  owning it and a feature set: one of the demo's deliberate gaps);
- 7 days ago, a new steward: the production deployment gets its deputy.

After the last step the organisation is exactly the one ``build_demo`` describes (its
current state), so ``demo_facts`` stays true. The people involved are drawn from a
generator of their own, so the organisation's other random draws are unchanged.

Versions keep their own creation times (most are later than the load date): the demo
stands for a catalog that was registered 90 days ago and has kept its versions since.
"""

from __future__ import annotations

from dataclasses import dataclass

from .versions import DAY, HOUR, DemoRandom

HISTORY_DAYS = 90
START_AGE = HISTORY_DAYS * DAY   # minutes before now when the organisation is loaded


@dataclass(frozen=True)
class Step:
    """One dated change: a partial manifest (only what changes) and why."""

    age: int          # minutes before now
    reason: str
    manifest: dict    # people / teams / artifacts entries; fields present are set


class History:
    """The cast and the changes, filled in while the organisation is generated.

    Args:
        seed: the organisation's seed (the history draws from its own generator).
        people: every person, as they are now.
        teams: every team, as it is now (``members`` are the active members).
        departed_owner: the leaver of the first product team who still owns things.
    """

    def __init__(self, seed: int, people: list[dict], teams: list[dict], departed_owner: str) -> None:
        self.rng = DemoRandom(f"{seed}:history")
        self.person = {p["id"]: p for p in people}
        self.story_team, self.other_team = teams[1], teams[2]
        self.leaver = departed_owner
        movable = [p for p in self.other_team["members"] if p not in self.other_team["escalation"]]
        self.mover = self.rng.choice(movable)
        self._realtime: tuple | None = None
        self._deployment: tuple | None = None

    # -- the state 90 days ago --------------------------------------------------------

    def people_then(self, people: list[dict]) -> list[dict]:
        """The leaver was still active."""
        return [dict(p, active=True) if p["id"] == self.leaver else p for p in people]

    def teams_then(self, teams: list[dict], people: list[dict]) -> list[dict]:
        """The mover and the leaver were in the first product team; the mover not yet
        in the other team."""
        return [self._with_members(t, self._members_then(t, people)) for t in teams]

    def _members_then(self, team: dict, people: list[dict]) -> list[str]:
        if team["id"] == self.story_team["id"]:
            return _in_order(set(team["members"]) | {self.mover, self.leaver}, people)
        if team["id"] == self.other_team["id"]:
            return [p for p in team["members"] if p != self.mover]
        return team["members"]

    @staticmethod
    def _with_members(team: dict, members: list[str]) -> dict:
        return team if members == team["members"] else dict(team, members=members)

    # -- hooks for the story artifacts ------------------------------------------------

    def realtime_features(self, uid: str, owner: str, steward: str, members: list[str]) -> str:
        """Record the online features' handover; returns who owned them before."""
        before = self.rng.choice([p for p in members if p not in (owner, steward)])
        self._realtime = (uid, before, owner)
        return before

    def deployment(self, uid: str, owner: str, steward: str) -> str:
        """Record the deployment's handover and new steward; returns who owned it before."""
        self._deployment = (uid, owner, steward)
        return self.mover

    # -- the changes ------------------------------------------------------------------

    @property
    def known(self) -> bool:
        """True once the story artifacts (and so every step) have been generated."""
        return self._realtime is not None and self._deployment is not None

    def steps(self, people: list[dict]) -> list[Step]:
        """The dated changes, oldest first (after the story artifacts were generated)."""
        if not self.known:
            raise RuntimeError("the history is known once the first product area is generated")
        name = lambda pid: self.person[pid]["name"]  # noqa: E731
        story, other = self.story_team, self.other_team
        rt_uid, rt_before, rt_owner = self._realtime
        dep_uid, dep_owner, dep_steward = self._deployment
        team = lambda t, members: {"id": t["id"], "name": t["name"], "members": members}  # noqa: E731
        story_with_leaver = _in_order(set(story["members"]) | {self.leaver}, people)
        return [
            Step(62 * DAY - 10 * HOUR, f"handover: {name(rt_before)} hands {rt_uid} over to {name(rt_owner)}",
                 {"artifacts": [{"uid": rt_uid, "kind": "feature_set", "owner": rt_owner}]}),
            Step(45 * DAY - 9 * HOUR, f"team move: {name(self.mover)} moves from {story['name']} to {other['name']}",
                 {"teams": [team(story, story_with_leaver), team(other, other["members"])]}),
            Step(21 * DAY - 11 * HOUR,
                 f"handover: {name(self.mover)} hands {dep_uid} over to {name(dep_owner)} after moving team",
                 {"artifacts": [{"uid": dep_uid, "kind": "deployment", "owner": dep_owner}]}),
            Step(14 * DAY - 8 * HOUR, f"departure: {name(self.leaver)} leaves {story['name']}",
                 {"people": [dict(self.person[self.leaver])], "teams": [team(story, story["members"])]}),
            Step(7 * DAY - 10 * HOUR, f"new steward: {name(dep_steward)} deputises for {dep_uid}",
                 {"artifacts": [{"uid": dep_uid, "kind": "deployment", "stewards": [dep_steward]}]}),
        ]


def _in_order(ids: set[str], people: list[dict]) -> list[str]:
    """``ids`` in the organisation's people order (team lists are in that order)."""
    return [p["id"] for p in people if p["id"] in ids]
