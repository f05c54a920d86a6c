"""Applies a catalog manifest through the write path, as a diff against the graph.

Semantics, chosen so that re-ingesting a file is a no-op and partial files are safe:
fields present in the manifest are authoritative, fields left out are untouched
(``owner: null`` removes a primary owner; omitting ``owner`` keeps it). Ownership and
team membership changes close the old edge (``until``) and open a new one; nothing is
deleted. A version's provenance (commit, run) is immutable once recorded; its maps
(metrics, ...) may be updated and its lineage may gain edges.
"""

from __future__ import annotations

from typing import Any

from ..errors import ValidationFailed
from ..schema import Artifact, Manifest, canonical_json, split_uid, to_epoch_ms, version_uid
from ..services import access, write_path
from ..services.audit import Change
from ..store.base import GraphStore, Reader, Statement, batched
from .checks import check_manifest
from .parse import Draft
from .playbooks import plan_playbooks
from .state import State, load_state
from . import version_pointers

#: what the planner found absent is created (``create_*``), what exists is merged: CREATE
#: does not look for the node or edge first (a Neo4j bulk load at 100k, 500 artifacts a
#: unit: see bench/README.md); the unit is planned over the snapshot it commits on, and a
#: unique constraint refuses it whole if one of them appeared after all
STATEMENT_ORDER = (
    "upsert_people", "upsert_teams", "close_memberships", "open_memberships",
    "create_artifacts", "upsert_artifacts", "close_ownerships", "open_ownerships", "close_team_ownerships",
    "open_team_ownerships", "create_commits", "upsert_commits", "link_commit_authors",
    "create_versions", "upsert_versions", "create_previous_links", "create_built_from_links",
    "link_built_from", "upsert_runs", "create_lineage", "add_lineage", "set_playbooks", "clear_playbooks",
)


class Builder:
    """Collects statement rows by query name and the changes they record; statements
    come out in ``order`` (each planner's dependency order), batched."""

    def __init__(self, order: tuple[str, ...] = STATEMENT_ORDER) -> None:
        self.order = order
        self.rows: dict[str, list[dict]] = {name: [] for name in order}
        self.changes: list[Change] = []

    def row(self, _query: str, **values: Any) -> None:
        self.rows[_query].append(values)

    def change(self, _action: str, _kind: str, _target: str, **details: Any) -> None:
        self.changes.append(Change(_action, _kind, _target, details))

    def statements(self) -> list[Statement]:
        """In order, then the pointers to the newest versions (``version_pointers``)
        when the unit writes versions."""
        return [Statement(name, {"rows": chunk}) for name in self.order
                for chunk in batched(self.rows[name])] + version_pointers.statements(self.rows)

    def plan(self) -> write_path.ChangePlan:
        return write_path.ChangePlan(self.statements(), self.changes)


def _diff(current: dict, desired: dict) -> dict:
    return {k: [current.get(k), v] for k, v in desired.items() if current.get(k) != v}


def _ms(value) -> int | None:
    return to_epoch_ms(value) if value is not None else None


def plan_manifest(draft: Draft | Manifest, reader: Reader, at: int,
                  state: State | None = None) -> write_path.ChangePlan:
    """Diff the manifest against the graph and return the statements and changes to apply
    (``state``: what ``load_state`` read for it, when read already).

    Raises:
        ValidationFailed: the draft's schema problems together with every reference,
        duplicate and cycle problem, at once.
    """
    if isinstance(draft, Manifest):
        draft = Draft.of(draft)
    m = draft.manifest
    st = load_state(m, reader) if state is None else state
    problems = draft.problems + check_manifest(draft, st, reader)
    if problems:
        raise ValidationFailed(problems)
    b = Builder()
    reason = m.reason
    _people(m, st, b)
    _teams(m, st, b, at)
    for a in m.artifacts:
        _artifact(a, st, b, at, reason)
    _versions(m, st, b, at)
    plan_playbooks(m, reader, b, at)
    return b.plan()


def _people(m: Manifest, st: State, b: Builder) -> None:
    for p in m.people:
        cur = st.people.get(p.id)
        given = p.model_dump(include=p.model_fields_set - {"id"})
        if cur is None:
            fields = {"name": p.name, "email": p.email, "active": p.active}
            if p.handle is not None:  # recorded only when given (older events stay as they were)
                fields["handle"] = p.handle
            b.row("upsert_people", id=p.id, **{"handle": None, **fields})
            b.change("person.create", "person", p.id, **fields)
            continue
        delta = _diff(cur, given)
        if delta:
            merged = {k: cur.get(k) for k in ("name", "email", "handle", "active")} | given
            b.row("upsert_people", id=p.id, **merged)
            b.change("person.update", "person", p.id, **delta)


def _teams(m: Manifest, st: State, b: Builder, at: int) -> None:
    for t in m.teams:
        cur = st.teams.get(t.id)
        given = t.model_dump(include=t.model_fields_set & {"name", "escalation"})
        if cur is None:
            fields = {"name": t.name, "escalation": t.escalation}
            b.row("upsert_teams", id=t.id, **fields)
            b.change("team.create", "team", t.id, **fields)
            current_members: set[str] = set()
        else:
            delta = _diff(cur, given)
            if delta:
                b.row("upsert_teams", id=t.id, **({"name": cur["name"], "escalation": cur["escalation"]} | given))
                b.change("team.update", "team", t.id, **delta)
            current_members = set(cur.get("members") or [])
        if cur is not None and "members" not in t.model_fields_set:
            continue
        for pid in sorted(current_members - set(t.members)):
            b.row("close_memberships", person=pid, team=t.id, until=at)
            b.change("team.member_remove", "team", t.id, person=pid)
        for pid in t.members:
            if pid not in current_members:
                b.row("open_memberships", person=pid, team=t.id, since=at)
                b.change("team.member_add", "team", t.id, person=pid)


def _artifact(a: Artifact, st: State, b: Builder, at: int, reason: str | None) -> None:
    cur = st.artifacts.get(a.uid)
    set_fields = a.model_fields_set
    namespace, name = split_uid(a.uid)
    desired = {"kind": a.kind.value, "description": a.description, "tags": a.tags,
               "links": canonical_json(a.links)}
    source = {"source_repo": a.source.repo if a.source else None,
              "source_path": a.source.path if a.source else None}
    if cur is None:
        b.row("create_artifacts", uid=a.uid, namespace=namespace, name=name, **desired, **source)
        b.change("artifact.create", "artifact", a.uid, **desired, **(source if a.source else {}))
        owners, teams = [], []
    else:
        given = {k: v for k, v in desired.items() if k in set_fields or k == "kind"}
        if "source" in set_fields:
            given.update(source)
        delta = _diff(cur, given)
        if delta:
            merged = {k: cur.get(k) for k in (*desired, *source)} | given
            b.row("upsert_artifacts", uid=a.uid, namespace=namespace, name=name, **merged)
            b.change("artifact.update", "artifact", a.uid, **delta)
        owners = [o for o in cur.get("owners") or [] if o.get("person")]
        teams = list(cur.get("teams") or [])

    def close(pid: str, role: str) -> None:
        b.row("close_ownerships", person=pid, uid=a.uid, role=role, until=at, reason=reason)
        b.change("ownership.close", "artifact", a.uid, person=pid, role=role)

    def open_(pid: str, role: str) -> None:
        b.row("open_ownerships", person=pid, uid=a.uid, role=role, since=at, reason=reason)
        b.change("ownership.open", "artifact", a.uid, person=pid, role=role)

    if cur is None or "owner" in set_fields:
        primaries = {o["person"] for o in owners if o["role"] == "primary"}
        for pid in sorted(primaries - {a.owner}):
            close(pid, "primary")
        if a.owner and a.owner not in primaries:
            open_(a.owner, "primary")
    if cur is None or "stewards" in set_fields:
        stewards = {o["person"] for o in owners if o["role"] == "steward"}
        for pid in sorted(stewards - set(a.stewards)):
            close(pid, "steward")
        for pid in a.stewards:
            if pid not in stewards:
                open_(pid, "steward")
    if cur is None or "team" in set_fields:
        for tid in sorted(set(teams) - {a.team}):
            b.row("close_team_ownerships", team=tid, uid=a.uid, until=at, reason=reason)
            b.change("team_ownership.close", "artifact", a.uid, team=tid)
        if a.team and a.team not in teams:
            b.row("open_team_ownerships", team=a.team, uid=a.uid, since=at, reason=reason)
            b.change("team_ownership.open", "artifact", a.uid, team=a.team)


def _versions(m: Manifest, st: State, b: Builder, at: int) -> None:
    seen_commits: set[str] = set()
    seen_runs: set[str] = set()
    for a in m.artifacts:
        latest = st.latest.get(a.uid) or {}
        prev_uid, seq = latest.get("latest"), int(latest.get("seq") or 0)
        for v in a.versions:
            vuid = version_uid(a.uid, v.version)
            cur = st.versions.get(vuid)
            maps = {"hyperparameters": canonical_json(v.hyperparameters),
                    "metrics": canonical_json(v.metrics), "deployment": canonical_json(v.deployment)}
            if v.commit and v.commit.sha not in seen_commits:
                seen_commits.add(v.commit.sha)
                _commit(v.commit, st, b, in_version_event=cur is None)
            if cur is None:
                seq += 1
                created = _ms(v.created_at) or at
                b.row("create_versions", uid=vuid, artifact_uid=a.uid, version=v.version, seq=seq,
                      created_at=created, **maps)
                if prev_uid:
                    b.row("create_previous_links", uid=vuid, previous=prev_uid)
                # a new version's commit and run are part of its provenance: recorded
                # in full in this one event rather than as events of their own
                details = {"created_at": created, **maps, "previous": prev_uid,
                           "commit": v.commit.model_dump(mode="json", exclude_none=True) if v.commit else None,
                           "run": v.run.model_dump(mode="json", exclude_none=True) if v.run else None,
                           "derived_from": [d.model_dump() for d in v.derived_from]}
                b.change("version.create", "version", vuid, **details)
                prev_uid = vuid
                upstream: set[tuple] = set()
            else:
                given = {k: val for k, val in maps.items() if k in v.model_fields_set}
                if "created_at" in v.model_fields_set:
                    given["created_at"] = _ms(v.created_at)
                delta = _diff(cur, given)
                if delta:
                    row = {k: cur.get(k) for k in ("created_at", *maps)} | given
                    b.row("upsert_versions", uid=vuid, artifact_uid=a.uid, version=v.version,
                          seq=cur["seq"], **row)
                    b.change("version.update", "version", vuid, **delta)
                upstream = {(u["uid"], u["relation"]) for u in cur["upstream"]}
                for d in v.derived_from:
                    if (d.uid, d.relation) not in upstream:
                        b.change("lineage.add", "version", vuid, upstream=d.uid, relation=d.relation)
            for d in v.derived_from:
                if (d.uid, d.relation) not in upstream:
                    upstream.add((d.uid, d.relation))   # listed twice: one edge
                    b.row("create_lineage" if cur is None else "add_lineage", uid=vuid, upstream=d.uid,
                          relation=d.relation)
            if v.commit and not (cur and cur.get("sha")):
                b.row("create_built_from_links" if cur is None else "link_built_from", uid=vuid, sha=v.commit.sha)
                if cur:
                    b.change("version.commit", "version", vuid, commit=v.commit.sha)
            if v.run:
                _run(v.run, vuid, st, b, seen_runs, in_version_event=cur is None)


def _commit(c, st: State, b: Builder, in_version_event: bool) -> None:
    fields = {"repo": c.repo, "message": c.message, "time": _ms(c.time), "author": c.author}
    cur = st.commits.get(c.sha)
    if cur is None:
        b.row("create_commits", sha=c.sha, **fields)
        if not in_version_event:
            b.change("commit.create", "commit", c.sha, **fields)
    else:
        given = {k: v for k, v in fields.items() if k in c.model_fields_set}
        delta = _diff(cur, given)
        if not delta:
            return
        b.row("upsert_commits", sha=c.sha, **({k: cur.get(k) for k in fields} | given))
        b.change("commit.update", "commit", c.sha, **delta)
    if c.author and (cur is None or cur.get("author") != c.author):
        b.row("link_commit_authors", sha=c.sha, person=c.author)


def _run(r, vuid: str, st: State, b: Builder, seen: set[str], in_version_event: bool) -> None:
    fields = {"status": r.status, "started_at": _ms(r.started_at), "ended_at": _ms(r.ended_at),
              "log_uri": r.log_uri}
    cur = st.runs.get(r.id)
    if cur is None:
        if r.id not in seen and not in_version_event:
            b.change("run.create", "run", r.id, version=vuid, **fields)
        seen.add(r.id)
        b.row("upsert_runs", id=r.id, uid=vuid, **fields)
        return
    given = {k: v for k, v in fields.items() if k in r.model_fields_set}
    delta = _diff(cur, given)
    linked = vuid in (cur.get("versions") or [])
    if delta or not linked:
        b.row("upsert_runs", id=r.id, uid=vuid, **({k: cur.get(k) for k in fields} | given))
    if delta and r.id not in seen:
        b.change("run.update", "run", r.id, **delta)
    if not linked:
        b.change("run.link", "version", vuid, run=r.id)
    seen.add(r.id)


def ingest(store: GraphStore, m: Draft | Manifest, *, actor: str | None = None,
           at: int | None = None, principal=None, ahead: write_path.Ahead | None = None,
           after=None) -> write_path.WriteSummary:
    """Apply manifest ``m`` through the single write path (one unit, audited).

    A ``Draft`` (from ``parse.read_text`` / ``read_bytes`` / ``read_file``) may carry
    schema problems: its references are still checked so that one answer lists both,
    and nothing is written. With ``principal`` (an ``access.Principal``) every planned
    change is checked against the caller's rights in the same unit; one refusal refuses
    the manifest whole. ``ahead`` and ``after``: see ``write_path.apply`` (a bulk load's
    units planned ahead, ``planned_ahead``).
    """
    reason = m.manifest.reason if isinstance(m, Draft) else m.reason
    planner = lambda reader, when: plan_manifest(m, reader, when)  # noqa: E731
    if principal is not None:
        # a parsed draft carries its manifest; paths only matter once it has no problems,
        # and then every item was kept, so manifest indices are document indices
        planner = access.guarded(planner, principal, access.manifest_paths(getattr(m, "manifest", m)))
    return write_path.apply(store, planner, actor=actor, reason=reason, at=at, ahead=ahead, after=after)
