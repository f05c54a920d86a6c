"""Handoffs: moving an ownership role to someone who has confirmed they can hold it.

Someone with rights on an artifact opens a handoff to a person for the ``owner`` or the
``steward`` role, with a checklist chosen by the artifact's kind. Only the receiver can
accept it, and only with every item checked; accepting moves the ownership (the old
edge closed, the new one opened, the reason recorded) through the manifest planner, in
the same write unit as the handoff's own audit event. The receiver may decline; the
opener, or anyone with rights on the artifact, may cancel. Every step is an audit event.

The handoff itself is the authorisation of the move: it was opened by someone with
rights on the artifact, and it is accepted by the person who receives the role.
"""

from __future__ import annotations

import json
import secrets

from ..errors import NotFound, PermissionDenied, Problem, ValidationFailed
from ..schema import Manifest, canonical_json
from . import access, write_path
from .audit import Change
from ..ingest.manifest import plan_manifest
from ..store.base import GraphStore, Statement

DEFAULT_CHECKLIST = ("provenance reviewed", "runbook read", "reproduction steps run",
                     "failure modes walked through", "on-call access granted")
ROLES = ("owner", "steward")


def checklist_for(kind: str, per_kind: dict[str, list[str]] | None = None) -> list[str]:
    """The items for an artifact of ``kind``: the configured list, else the default."""
    return list((per_kind or {}).get(kind) or DEFAULT_CHECKLIST)


def _handoff(reader, hid: str) -> dict:
    rows = reader("handoff_by_id", id=hid)
    if not rows:
        raise NotFound(f"unknown handoff {hid!r}")
    return rows[0]


def open_handoff(store: GraphStore, principal: access.Principal, *, artifact: str, to: str, role: str,
                 reason: str | None, per_kind: dict[str, list[str]] | None = None) -> dict:
    """Open a handoff; returns it. 400 for bad input, 403 without rights on the artifact."""
    problems = []
    if role not in ROLES:
        problems.append(Problem("role", f"must be one of {', '.join(ROLES)}, got {role!r}"))
    if not reason or not str(reason).strip():
        problems.append(Problem("reason", "is required (it is recorded on the ownership change)"))
    if problems:
        raise ValidationFailed(problems)
    hid = f"ho-{secrets.token_hex(5)}"

    def planner(reader, at):
        rows = reader("current_stewards_of", uid=artifact)
        if not rows:
            raise NotFound(f"unknown artifact {artifact!r}")
        target = reader("access_person", id=to)
        if not target or not target[0]["active"]:
            raise ValidationFailed([Problem("to", f"{to!r} is not an active person")])
        if not principal.has("write") or not access.rights(reader, principal, [artifact]).may_change(artifact):
            raise PermissionDenied(f"may not hand off {artifact}: you are not its owner, a steward, or a "
                                   f"member of its accountable team")
        items = checklist_for(rows[0]["kind"], per_kind)
        return write_path.ChangePlan(
            [Statement("handoff_create", {"id": hid, "artifact": artifact, "to": to, "role": role,
                                          "reason": reason, "items": items, "opened_by": _who(principal),
                                          "at": at, "from_person": None})],
            [Change("handoff.open", "handoff", hid, {"artifact": artifact, "to": to, "role": role,
                                                     "checklist": items})])

    write_path.apply(store, planner, actor=principal.actor, reason=reason)
    return get(store, hid)


def get(store: GraphStore, hid: str) -> dict:
    """A handoff as answers show it (the answered checklist as a map)."""
    h = _handoff(store.read, hid)
    return {**h, "checklist": json.loads(h["checklist"]) if h.get("checklist") else None}


def open_portfolio(store: GraphStore, principal: access.Principal, *, person: str, to: str,
                   reason: str | None, per_kind: dict[str, list[str]] | None = None) -> list[dict]:
    """Open, in one unit, a handoff to ``to`` for every role ``person`` holds now (leaving
    the company, moving teams). Allowed to the person themselves and to admins; ``to``
    accepts each with its checklist."""
    if not reason or not reason.strip():
        raise ValidationFailed([Problem("reason", "is required (it is recorded on the ownership changes)")])
    base = secrets.token_hex(4)

    def planner(reader, at):
        target = reader("access_person", id=to)
        if not target or not target[0]["active"] or to == person:
            raise ValidationFailed([Problem("to", f"{to!r} is not an active person other than {person!r}")])
        if not reader("access_person", id=person):
            raise NotFound(f"unknown person {person!r}")
        rights = access.rights(reader, principal, [])
        if not principal.has("write") or not (principal.person == person or rights.admin):
            raise PermissionDenied(f"only {person} or an admin may hand over {person}'s portfolio")
        held = reader("current_ownerships_of", ids=[person])
        plan = write_path.ChangePlan()
        for n, row in enumerate(held, start=1):
            hid = f"ho-{base}-{n}"
            role = "owner" if row["role"] == "primary" else "steward"
            items = checklist_for(row["kind"], per_kind)
            plan.statements.append(Statement("handoff_create", {
                "id": hid, "artifact": row["uid"], "to": to, "role": role, "reason": reason, "items": items,
                "opened_by": _who(principal), "at": at, "from_person": person}))
            plan.changes.append(Change("handoff.open", "handoff", hid, {
                "artifact": row["uid"], "to": to, "role": role, "from": person, "checklist": items}))
        return plan

    summary = write_path.apply(store, planner, actor=principal.actor, reason=reason)
    return [get(store, f"ho-{base}-{n}") for n in range(1, summary.events + 1)]


def _who(principal: access.Principal) -> str:
    return principal.person or f"team:{principal.team}"


def accept(store: GraphStore, principal: access.Principal, hid: str, checklist: dict) -> dict:
    """The receiver accepts with every item checked; the role moves in the same unit."""

    def planner(reader, at):
        h = _open(reader, hid)
        if principal.person != h["to"]:
            raise PermissionDenied(f"only {h['to']}, who receives it, may accept handoff {hid}")
        if not principal.has("write"):
            raise PermissionDenied("accepting a handoff needs the 'write' scope")
        missing = [i for i in h["items"] if checklist.get(i) is not True]
        if missing:
            raise ValidationFailed([Problem(f"checklist.{i}", "must be checked (true) to accept") for i in missing])
        cur = reader("current_stewards_of", uid=h["artifact"])[0]
        entry = {"uid": h["artifact"], "kind": cur["kind"]}
        if h["role"] == "owner":
            entry["owner"] = h["to"]
        else:
            leaving = h.get("from_person") or h["opened_by"]
            keep = [s for s in cur["stewards"] if s and s != leaving and s != h["to"]]
            entry["stewards"] = keep + [h["to"]]
        m = Manifest.model_validate({"reason": f"handoff {hid}: {h['reason']}", "artifacts": [entry]})
        moved = plan_manifest(m, reader, at)
        answered = canonical_json({i: True for i in h["items"]})
        moved.statements.append(Statement("handoff_close", {"id": hid, "status": "accepted",
                                                            "closed_by": principal.person, "at": at,
                                                            "checklist": answered}))
        moved.changes.insert(0, Change("handoff.accept", "handoff", hid, {
            "artifact": h["artifact"], "role": h["role"], "to": h["to"], "checklist": {i: True for i in h["items"]}}))
        return moved

    write_path.apply(store, planner, actor=principal.actor, reason=f"handoff {hid}")
    return get(store, hid)


def close(store: GraphStore, principal: access.Principal, hid: str, how: str, reason: str | None = None) -> dict:
    """``decline`` (the receiver) or ``cancel`` (the opener, or anyone with rights on it)."""

    def planner(reader, at):
        h = _open(reader, hid)
        if how == "decline":
            allowed = principal.person == h["to"]
            who = f"only {h['to']}, who receives it,"
        else:
            allowed = principal.has("write") and (
                _who(principal) == h["opened_by"]
                or access.rights(reader, principal, [h["artifact"]]).may_change(h["artifact"]))
            who = "only its opener or someone with rights on the artifact"
        if not allowed:
            raise PermissionDenied(f"{who} may {how} handoff {hid}")
        status = "declined" if how == "decline" else "cancelled"
        return write_path.ChangePlan(
            [Statement("handoff_close", {"id": hid, "status": status, "closed_by": _who(principal), "at": at,
                                         "checklist": None})],
            [Change(f"handoff.{how}", "handoff", hid, {"artifact": h["artifact"], "reason": reason})])

    write_path.apply(store, planner, actor=principal.actor, reason=reason)
    return get(store, hid)


def _open(reader, hid: str) -> dict:
    h = _handoff(reader, hid)
    if h["status"] != "open":
        raise ValidationFailed([Problem("handoff", f"handoff {hid} is already {h['status']}")])
    return h


def of_person(store: GraphStore, person: str) -> dict:
    """Open handoffs waiting for ``person`` and those ``person`` opened."""
    rows = store.read("handoffs_of_person", person=person)
    return {"waiting": [r for r in rows if r["to"] == person],
            "opened": [r for r in rows if r["opened_by"] == person]}
