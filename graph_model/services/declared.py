"""Declared ownership: what a source (an OpenLineage producer, CODEOWNERS, MLflow tags, a
Backstage catalog) says about who owns an artifact, kept apart from what a person set.

Why two origins: ``OWNS`` edges set by a person (manifest, API, handoff) decide paging
and must not be overwritten by a feed that may be stale or wrong. A source's view is
recorded as its own ``Declaration`` node per (artifact, source), holding the whole list
it declares (the latest view replaces the previous one). Then:

- an empty slot is filled from the declaration, through the write path and audited with
  the source named: no current primary owner -> the first declared ``primary`` person;
  no team -> the first declared team; no steward -> the declared stewards. The edge it
  opens carries ``source``, so the same source may later move it (its view changed),
  and stewards it filled are closed when it no longer declares them;
  an edge a person set (no ``source``) is never touched;
- otherwise the declaration is kept as a *difference*, shown on the artifact card
  ("declared by <source>: ...") and listed by hotspots.

Holders are resolved when declared: a person by id, else by e-mail (case-insensitive);
a team by id, else by name (case-insensitive). An unresolved holder is kept as written
and shown as a difference ("unknown person").

Importers call ``plan`` inside their own planner (the artifacts must be created by
statements that come first in the same unit) or ``declare`` on its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable

from ..errors import Problem, ValidationFailed
from ..schema import SLUG_RE, canonical_json
from ..store.base import GraphStore, Reader, Statement, batched
from .audit import Change
from . import write_path

ROLES = ("primary", "steward", "team")
KINDS = ("person", "team")
SOURCE_MAX = 300
HOLDER_MAX = 200

# statement order inside a unit: after the caller's artifacts exist
STATEMENTS = ("upsert_declarations", "close_ownerships", "open_declared_ownerships",
              "close_team_ownerships", "open_declared_team_ownerships")


@dataclass(frozen=True)
class Declared:
    """One owner a source declares: ``holder`` as the source wrote it."""

    role: str              # primary | steward | team
    holder: str
    kind: str = "person"   # person | team
    note: str | None = None  # the source's own word for the role (OpenLineage ``type``)


def source_problem(source: str) -> str | None:
    if not isinstance(source, str) or not source.strip() or len(source) > SOURCE_MAX:
        return f"source must be non-empty text of at most {SOURCE_MAX} characters"
    if any(ord(c) < 32 for c in source):
        return "source may not contain control characters"
    return None


def check(items: dict[tuple[str, str], list[Declared]]) -> list[Problem]:
    """Programming-level checks of what a caller hands in (importers map their own input
    to ``Declared`` and report their own paths)."""
    problems = []
    for (uid, source), owners in items.items():
        where = f"{uid} ({source})"
        problem = source_problem(source)
        if problem:
            problems.append(Problem(where, problem))
        for i, d in enumerate(owners):
            if d.role not in ROLES or d.kind not in KINDS or (d.role == "team") != (d.kind == "team"):
                problems.append(Problem(f"{where}[{i}]", f"role {d.role!r} / kind {d.kind!r} do not fit"))
            if not d.holder or len(d.holder) > HOLDER_MAX or any(ord(c) < 32 for c in d.holder):
                problems.append(Problem(f"{where}[{i}]", f"holder {d.holder!r} is not usable text"))
    return problems


def _resolve(reader: Reader, items: dict[tuple[str, str], list[Declared]]) -> tuple[dict, dict]:
    """(person holder -> id, team holder -> id) for every holder that resolves."""
    people = {d.holder for ds in items.values() for d in ds if d.kind == "person"}
    teams = {d.holder for ds in items.values() for d in ds if d.kind == "team"}
    person_of = _ids_of(reader, people, "people_by_ids", "people_by_emails", "emails")
    team_of = _ids_of(reader, teams, "teams_by_ids", "teams_by_names", "names")
    return person_of, team_of


def _ids_of(reader: Reader, holders, by_id: str, by_alias: str, alias_param: str) -> dict[str, str]:
    """Holder text -> id: by id where it is a slug, else by alias (case-insensitive)."""
    found: dict[str, str] = {}
    ids = sorted(h for h in holders if SLUG_RE.match(h))
    for chunk in batched(ids, 500):
        found.update({r["id"]: r["id"] for r in reader(by_id, ids=chunk)})
    rest = sorted({h.lower() for h in holders if h not in found})
    for chunk in batched(rest, 500):
        for r in reader(by_alias, **{alias_param: chunk}):
            found.setdefault(r["alias"], r["id"])
    for h in holders:
        if h not in found and h.lower() in found:
            found[h] = found[h.lower()]
    return found


def _state(reader: Reader, uids: Iterable[str]) -> dict[str, dict]:
    out = {}
    for chunk in batched(sorted(set(uids)), 500):
        for r in reader("declaration_state", uids=chunk):
            out[r["uid"]] = _fold(r)
    return out


def _fold(r: dict) -> dict:
    """A state row as {owners: [{person, role, source}], teams: [...], declarations: {source: [entry]}}."""
    decls = {}
    for d in r.get("declarations") or []:
        if d.get("source"):
            decls[d["source"]] = json.loads(d["owners"]) if d.get("owners") else []
    return {"uid": r["uid"], "kind": r.get("kind"),
            "owners": [o for o in r.get("owners") or [] if o.get("person")],
            "teams": [t for t in r.get("teams") or [] if t.get("team")],
            "declarations": decls}


def plan(reader: Reader, at: int, items: dict[tuple[str, str], list[Declared]], *,
         details: dict | None = None,
         details_by: dict[tuple[str, str], dict] | None = None) -> tuple[list[Statement], list[Change]]:
    """Statements and changes recording ``items`` ((artifact uid, source) -> the owners
    that source declares) and filling empty owner slots from them.

    Every artifact must exist in the store or be created by statements that run before
    these in the same unit. ``details`` (e.g. the importer's run) are added to every
    change recorded, ``details_by`` to the changes of one (uid, source) only (the
    OpenLineage producer and run of the event that declared it).

    Raises:
        ValidationFailed: a malformed source, role or holder (a caller's mistake).
    """
    problems = check(items)
    if problems:
        raise ValidationFailed(problems)
    if not items:
        return [], []
    person_of, team_of = _resolve(reader, items)
    state = _state(reader, {uid for uid, _ in items})
    rows: dict[str, list[dict]] = {name: [] for name in STATEMENTS}
    changes: list[Change] = []
    for (uid, source) in sorted(items):
        extra = (details or {}) | (details_by or {}).get((uid, source), {})
        cur = state.setdefault(uid, {"uid": uid, "owners": [], "teams": [], "declarations": {}})
        entries = []
        for d in items[(uid, source)]:
            resolved = (person_of if d.kind == "person" else team_of).get(d.holder)
            entry = {"role": d.role, "kind": d.kind, "holder": d.holder, "resolved": resolved}
            if d.note:
                entry["type"] = d.note
            if entry not in entries:
                entries.append(entry)
        if cur["declarations"].get(source) != entries or source not in cur["declarations"]:
            rows["upsert_declarations"].append({"key": f"{uid}|{source}", "uid": uid, "source": source,
                                                "owners": canonical_json(entries), "at": at})
            changes.append(Change("declaration.set", "artifact", uid,
                                  {"source": source, "owners": entries,
                                   "previous": cur["declarations"].get(source), **extra}))
            cur["declarations"][source] = entries
        _fill(uid, source, entries, cur, rows, changes, at, extra)
    stmts = [Statement(name, {"rows": chunk}) for name in STATEMENTS for chunk in batched(rows[name])]
    return stmts, changes


def _fill(uid: str, source: str, entries: list[dict], cur: dict, rows: dict, changes: list,
          at: int, extra: dict) -> None:
    """Fill empty slots of ``uid`` (or move what this same source filled before)."""
    reason = f"declared by {source}"

    def open_(pid: str, role: str) -> None:
        rows["open_declared_ownerships"].append({"person": pid, "uid": uid, "role": role, "since": at,
                                                 "reason": reason, "source": source})
        changes.append(Change("ownership.open", "artifact", uid, {"person": pid, "role": role,
                                                                  "source": source, **extra}))
        cur["owners"].append({"person": pid, "role": role, "source": source})

    def close(o: dict) -> None:
        rows["close_ownerships"].append({"person": o["person"], "uid": uid, "role": o["role"], "until": at,
                                         "reason": reason})
        changes.append(Change("ownership.close", "artifact", uid, {"person": o["person"], "role": o["role"],
                                                                   "source": source, **extra}))
        cur["owners"].remove(o)

    primary = next((e["resolved"] for e in entries if e["role"] == "primary" and e["resolved"]), None)
    primaries = [o for o in cur["owners"] if o["role"] == "primary"]
    if primary:
        if not primaries:
            open_(primary, "primary")
        elif len(primaries) == 1 and primaries[0]["source"] == source and primaries[0]["person"] != primary:
            close(primaries[0])
            open_(primary, "primary")
    current_primary = next((o["person"] for o in cur["owners"] if o["role"] == "primary"), None)
    stewards = [e["resolved"] for e in entries if e["role"] == "steward" and e["resolved"]
                and e["resolved"] != current_primary]
    held = [o for o in cur["owners"] if o["role"] == "steward"]
    # the stewards this source filled follow its view, down to none when it stops
    # declaring them; a steward a person or another source set keeps the slot
    if (stewards or held) and all(o["source"] == source for o in held):
        for o in [o for o in held if o["person"] not in stewards]:
            close(o)
        have = {o["person"] for o in cur["owners"] if o["role"] == "steward"}
        for pid in dict.fromkeys(stewards):
            if pid not in have:
                open_(pid, "steward")
    team = next((e["resolved"] for e in entries if e["role"] == "team" and e["resolved"]), None)
    if team:
        teams = cur["teams"]
        replace = len(teams) == 1 and teams[0]["source"] == source and teams[0]["team"] != team
        if replace:
            rows["close_team_ownerships"].append({"team": teams[0]["team"], "uid": uid, "until": at,
                                                  "reason": reason})
            changes.append(Change("team_ownership.close", "artifact", uid,
                                  {"team": teams[0]["team"], "source": source, **extra}))
            teams.clear()
        if not teams:
            rows["open_declared_team_ownerships"].append({"team": team, "uid": uid, "since": at,
                                                          "reason": reason, "source": source})
            changes.append(Change("team_ownership.open", "artifact", uid, {"team": team, "source": source,
                                                                           **extra}))
            teams.append({"team": team, "source": source})


def declare(store: GraphStore, items: dict[tuple[str, str], list[Declared]], *, actor: str | None = None,
            reason: str | None = None, at: int | None = None) -> write_path.WriteSummary:
    """Record declarations on existing artifacts as one audited unit (importers)."""
    def planner(reader: Reader, when: int) -> write_path.ChangePlan:
        missing = {uid for uid, _ in items} - {r["uid"] for chunk in batched(sorted({u for u, _ in items}), 500)
                                               for r in reader("artifacts_by_uids", uids=chunk)}
        if missing:
            raise ValidationFailed([Problem(uid, f"unknown artifact {uid!r}") for uid in sorted(missing)])
        stmts, changes = plan(reader, when, items)
        return write_path.ChangePlan(stmts, changes)
    return write_path.apply(store, planner, actor=actor, reason=reason, at=at)


# -- reading: the differences between what sources declare and what is set ----------------

def _set_holder(state: dict, role: str) -> list[str]:
    if role == "team":
        return [t["team"] for t in state["teams"]]
    return [o["person"] for o in state["owners"] if o["role"] == role]


def entries_of(state: dict) -> list[dict]:
    """Every declared owner of one artifact with what is set and whether they agree."""
    out = []
    primary = _set_holder(state, "primary")
    for source in sorted(state["declarations"]):
        for e in state["declarations"][source]:
            role, resolved = e["role"], e.get("resolved")
            held = _set_holder(state, role)
            if role == "steward":
                agrees = resolved is not None and (resolved in held or resolved in primary)
            else:
                agrees = resolved is not None and resolved in held
            filled = any(o.get("source") == source for o in state["owners"] + state["teams"])
            shown = e["holder"] if resolved in (None, e["holder"]) else f"{e['holder']} ({resolved})"
            if resolved is None:
                what = f"unknown {e['kind']} {e['holder']!r}"
            elif agrees:
                what = "agrees with what is set"
            else:
                what = f"set: {', '.join(held) if held else 'none'}"
            out.append({"source": source, "role": role, "kind": e["kind"], "holder": e["holder"],
                        "resolved": resolved, "type": e.get("type"), "set": held, "agrees": agrees,
                        "filled_by_source": filled,
                        "text": f"declared by {source}: {role} {shown} ({what})"})
    return out


def of_artifact(store: GraphStore, uid: str) -> list[dict]:
    """The declarations of one artifact (see ``entries_of``); [] when none."""
    rows = store.read("declaration_state", uids=[uid])
    return entries_of(_fold(rows[0])) if rows else []


def differences(store: GraphStore) -> list[dict]:
    """Every declared owner that differs from what is set, over the whole graph, as rows
    ``{uid, kind, source, role, holder, resolved, set, text}`` (hotspots lists them)."""
    merged: dict[str, dict] = {}
    for r in store.read("declarations_all"):
        st = _fold(r)
        have = merged.setdefault(st["uid"], st)
        if have is not st:
            have["declarations"].update(st["declarations"])
    out = []
    for uid in sorted(merged):
        for e in entries_of(merged[uid]):
            if not e["agrees"]:
                out.append({"uid": uid, "kind": merged[uid]["kind"], **{k: e[k] for k in
                            ("source", "role", "holder", "resolved", "set", "text")}})
    return out
