"""Who may change what, derived from the graph: the one rights rule every face asks.

The API, the dashboard and the planners ask this module; identity (tokens, sessions,
CSRF) lives in the web face and only hands in a ``Principal``. The rule:

- A person may change an artifact (its fields, versions and their maps, lineage,
  owners, stewards, team) when they are its current primary owner, one of its
  stewards, or a current member of its accountable team. A service token owned by a
  team may change what that team is accountable for.
- A new artifact may be created by an admin, or by anyone with ``write`` in a
  namespace where one of their teams is already accountable for an artifact (so a team
  grows its own namespace; a new namespace is an admin's decision).
- People: an admin creates and edits anyone; a person may edit their own entry.
- Teams: an admin creates teams; a team's current members may edit their own team
  (name, escalation, members). This lets a team run itself, and it is the one way a
  person gains rights without an admin, so membership changes are audited like any other.
- Admins (``Person.admin``, granted by the operator from the command line) may change
  anything. An inactive person has no write rights at all.
- A credential's scopes only narrow: ``write`` for any change, ``lineage`` for versions,
  lineage, runs and commits only (feeds and CI), ``admin`` to act as the admin the person
  already is, ``read`` for reads.

Rights are checked on the changes a planner produced, inside the write unit, so what is
checked is exactly what would be written, and a no-op mention of someone else's artifact
in a manifest is not refused. One refused change refuses the whole unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..errors import PermissionDenied, Problem
from ..schema import Manifest, split_uid, split_version_uid, version_uid
from ..store.base import Reader, batched

SCOPES = ("read", "write", "lineage", "admin")

#: changes a ``lineage`` scope may make (provenance, not ownership)
LINEAGE_ACTIONS = frozenset({
    "version.create", "version.update", "version.commit", "lineage.add",
    "run.create", "run.update", "run.link", "commit.create", "commit.update",
})


@dataclass(frozen=True)
class Principal:
    """Who is asking, as identity established it: a person or a team, and how.

    ``via`` is ``token``, ``session``, ``proxy``, ``cli`` or ``anonymous``; ``scopes``
    are the credential's (a session holds read, write and lineage, plus admin when the
    person is an admin).
    """

    person: str | None = None
    team: str | None = None
    scopes: frozenset[str] = frozenset()
    via: str = "anonymous"
    token: str | None = None
    address: str | None = None

    @property
    def authenticated(self) -> bool:
        return self.via != "anonymous"

    def has(self, scope: str) -> bool:
        return scope in self.scopes or "admin" in self.scopes

    @property
    def actor(self) -> str:
        """The audit log's actor text: who, through which credential, from where.

        ``person:ana token:ci-deploy from:10.0.0.7``; ``person:ana session from:...``;
        ``team:data-eng token:feed from:...``; ``cli:<os user>`` for the operator.
        """
        if self.via == "cli":
            return f"cli:{self.person}"
        who = f"person:{self.person}" if self.person else f"team:{self.team}" if self.team else "anonymous"
        how = f"token:{self.token}" if self.via == "token" else self.via
        return f"{who} {how} from:{self.address or 'unknown'}"


def cli_principal(os_user: str) -> Principal:
    """The operator working on the store directly: every right, recorded as ``cli:<user>``."""
    return Principal(person=os_user, scopes=frozenset(SCOPES), via="cli")


@dataclass
class Standing:
    """What the graph says about a principal now."""

    admin: bool = False
    active: bool = True
    teams: frozenset[str] = frozenset()
    exists: bool = True


def standing(reader: Reader, principal: Principal) -> Standing:
    if principal.via == "cli":
        return Standing(admin=True)
    if principal.person:
        rows = reader("access_person", id=principal.person)
        if not rows:
            return Standing(active=False, exists=False)
        r = rows[0]
        return Standing(admin=bool(r["admin"]), active=bool(r["active"]),
                        teams=frozenset(t for t in r["teams"] if t))
    if principal.team:
        return Standing(teams=frozenset([principal.team]))
    return Standing(active=False, exists=False)


@dataclass
class Rights:
    """A principal's rights over a set of artifacts, read once, asked many times."""

    principal: Principal
    standing: Standing
    holders: dict[str, dict] = field(default_factory=dict)   # uid -> {people, teams}
    namespaces: frozenset[str] = frozenset()

    @property
    def admin(self) -> bool:
        return self.standing.admin and "admin" in self.principal.scopes and self.standing.active

    def may_change(self, uid: str) -> bool:
        """Owner, steward, accountable-team member, or admin (artifact must exist)."""
        if self.admin:
            return True
        if not self.standing.active:
            return False
        h = self.holders.get(uid)
        if h is None:
            return False
        if self.principal.person and self.principal.person in h["people"]:
            return True
        return bool(self.standing.teams & set(h["teams"]))

    def may_create(self, uid: str) -> bool:
        if self.admin:
            return True
        return self.standing.active and split_uid(uid)[0] in self.namespaces


def rights(reader: Reader, principal: Principal, uids: Iterable[str]) -> Rights:
    """Read what deciding about ``uids`` needs: the caller's standing, the artifacts'
    current holders, the namespaces the caller's teams are accountable in."""
    st = standing(reader, principal)
    holders: dict[str, dict] = {}
    for chunk in batched(sorted(set(uids))):
        for row in reader("access_artifact_holders", uids=chunk):
            holders[row["uid"]] = {"people": [p for p in row["people"] if p], "teams": [t for t in row["teams"] if t]}
    namespaces = frozenset()
    if st.teams:
        namespaces = frozenset(r["namespace"] for r in reader("access_team_namespaces", teams=sorted(st.teams))
                               if r["namespace"])
    return Rights(principal, st, holders, namespaces)


def may_change_artifact(reader: Reader, principal: Principal, uid: str) -> bool:
    """For pages and single-artifact endpoints: may this caller change ``uid``?"""
    if not principal.has("write"):
        return False
    return rights(reader, principal, [uid]).may_change(uid)


# -- checking a planned change set -----------------------------------------------------

@dataclass(frozen=True)
class Located:
    """Where a change's target appears in the input, and which artifacts it sits under."""

    path: str
    artifacts: frozenset[str] = frozenset()


Paths = dict[tuple[str, str], Located]


def manifest_paths(m: Manifest) -> Paths:
    """Map each (target kind, target) a manifest can change to its path in the manifest."""
    out: Paths = {}
    for i, p in enumerate(m.people):
        out.setdefault(("person", p.id), Located(f"people[{i}]"))
    for i, t in enumerate(m.teams):
        out.setdefault(("team", t.id), Located(f"teams[{i}]"))
    for k in m.kind_playbooks:
        out.setdefault(("kind", k), Located(f"kind_playbooks.{k}"))
    for i, a in enumerate(m.artifacts):
        out.setdefault(("artifact", a.uid), Located(f"artifacts[{i}]", frozenset([a.uid])))
        for j, v in enumerate(a.versions):
            base = f"artifacts[{i}].versions[{j}]"
            out.setdefault(("version", version_uid(a.uid, v.version)), Located(base, frozenset([a.uid])))
            for kind, key, sub in (("commit", v.commit.sha if v.commit else None, "commit"),
                                   ("run", v.run.id if v.run else None, "run")):
                if key:
                    prev = out.get((kind, key))
                    out[(kind, key)] = Located(prev.path if prev else f"{base}.{sub}",
                                               (prev.artifacts if prev else frozenset()) | {a.uid})
    return out


def _artifact_of(kind: str, target: str) -> str | None:
    if kind == "artifact":
        return target
    if kind == "version":
        return split_version_uid(target)[0]
    return None


def check_changes(reader: Reader, principal: Principal, changes: list, paths: Paths) -> list[Problem]:
    """Every change the principal may not make, as problems located by ``paths``.

    ``changes`` are ``audit.Change`` records (action, target_kind, target, details).
    """
    uids = {u for c in changes if (u := _artifact_of(c.target_kind, c.target))}
    for c in changes:
        if c.target_kind in ("commit", "run"):
            uids |= paths.get((c.target_kind, c.target), Located("")).artifacts
    r = rights(reader, principal, uids)
    created = {c.target for c in changes if c.action == "artifact.create"}
    problems: dict[str, str] = {}

    def refuse(kind: str, target: str, message: str) -> None:
        loc = paths.get((kind, target))
        problems.setdefault(loc.path if loc else f"{kind} {target}", message)

    def artifact_ok(uid: str) -> bool:
        return r.may_create(uid) if uid in created else r.may_change(uid)

    for c in changes:
        needed = "lineage" if c.action in LINEAGE_ACTIONS else "write"
        if not (principal.has(needed) or (needed == "lineage" and principal.has("write"))):
            refuse(c.target_kind, c.target, f"{c.action} on {c.target} needs the '{needed}' scope, "
                                             f"which this credential does not carry")
            continue
        uid = _artifact_of(c.target_kind, c.target)
        if uid is not None:
            if not artifact_ok(uid):
                if uid in created:
                    ns = split_uid(uid)[0]
                    refuse(c.target_kind, c.target, f"may not create {uid}: none of your teams is accountable "
                                                    f"for an artifact in namespace '{ns}' (ask an admin)")
                else:
                    refuse(c.target_kind, c.target, f"may not change {uid}: you are not its owner, a steward, "
                                                    f"or a member of its accountable team")
        elif c.target_kind in ("commit", "run"):
            under = paths.get((c.target_kind, c.target), Located("")).artifacts
            if not r.admin and not any(artifact_ok(u) for u in under):
                refuse(c.target_kind, c.target, f"may not change {c.target_kind} {c.target}: it is not under "
                                                f"an artifact you may change")
        elif c.target_kind == "person":
            self_edit = c.action == "person.update" and principal.person == c.target and r.standing.active
            if not (r.admin or self_edit):
                refuse("person", c.target, f"{c.action} of {c.target}: only an admin may create people or "
                                           f"edit someone else's entry")
        elif c.target_kind == "team":
            member = c.action != "team.create" and c.target in r.standing.teams and r.standing.active
            if not (r.admin or member):
                refuse("team", c.target, f"{c.action} of {c.target}: only an admin or a current member "
                                         f"of the team may do this")
        elif not r.admin:
            refuse(c.target_kind, c.target, f"{c.action} on {c.target}: only an admin may do this")
    return [Problem(path, msg) for path, msg in problems.items()]


def guarded(planner: Callable, principal: Principal, paths: Paths) -> Callable:
    """Wrap a write-path planner so its changes are checked against the caller's rights
    in the same unit; any refusal raises ``PermissionDenied`` and nothing is written."""

    def plan(reader: Reader, at: int):
        cp = planner(reader, at)
        problems = check_changes(reader, principal, cp.changes, paths) if cp.changes else []
        if problems:
            raise PermissionDenied(f"{principal.actor.split(' ')[0]} may not make {len(problems)} of these "
                                   f"changes; nothing was written", problems)
        return cp

    return plan
