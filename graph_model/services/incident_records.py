"""Incident records: what happened, to what, who was paged and what was decided.

Opening a record snapshots the incident answer at that moment (``services.incident``):
the page list in order and the upstream set with owners and flags, stored as JSON text on
the ``Incident`` node (``stored_json``), so a later change of ownership or lineage does
not rewrite what responders saw. ``touched`` holds the failing artifact and every
upstream artifact of the snapshot: the record is listed on each of their pages.

Who may write: any authenticated, active principal with the ``write`` scope
(``recorders``), not only the artifact's holders; changing the artifact itself still
needs rights on it.

Every write goes through ``write_path.apply`` (one unit, audited). The snapshot is
computed just before the unit (it is a read of many queries); the unit re-checks that the
artifact exists.
"""

from __future__ import annotations

import secrets

from ..errors import NotFound, Problem, ValidationFailed
from ..schema import canonical_json, from_epoch_ms, text_problem, url_problem
from ..store.base import GraphStore, Statement
from . import access, incident, knowledge, recorders, stored_json, write_path
from .audit import Change

SEVERITIES = ("sev1", "sev2", "sev3", "sev4")
ENTRY_TYPES = ("paged", "acknowledged", "decision", "rollback", "note")
STATUSES = ("open", "resolved")
TITLE_MAX, TEXT_MAX = 200, 5000
LIST_LIMIT_MAX = 500


def _text(name: str, value: str | None, limit: int, required: bool = True) -> list[Problem]:
    if value is None or not value.strip():
        return [Problem(name, "is required")] if required else []
    if len(value) > limit:
        return [Problem(name, f"at most {limit} characters")]
    problem = text_problem(value, name)
    return [Problem(name, problem)] if problem else []


def snapshot_of(answer: dict) -> dict:
    """What a record keeps of the incident answer: the page list and the upstream set."""
    return {
        "at": answer["at"],
        "version": answer["artifact"]["version"],
        "page": [{"order": e["order"], "person": e["person"]["id"], "name": e["person"]["name"],
                  "reasons": e["reasons"]} for e in answer["page"]],
        "upstream": [{"uid": u["uid"], "kind": u["kind"], "distance": u["distance"],
                      "owner": u["owner"]["id"] if u["owner"] else None,
                      "team": u["team"]["id"] if u["team"] else None, "flags": u["flags"]}
                     for u in answer["upstream"]],
        "truncated": answer["truncated"],
    }


def open_incident(store: GraphStore, principal: access.Principal, *, artifact: str, version: str | None,
                  title: str, severity: str) -> dict:
    """Open a record of ``artifact`` failing; returns it. 400 bad input, 403 without the
    right to record, 404 unknown artifact or version."""
    problems = _text("title", title, TITLE_MAX)
    if severity not in SEVERITIES:
        problems.append(Problem("severity", f"must be one of {', '.join(SEVERITIES)}, got {severity!r}"))
    if problems:
        raise ValidationFailed(problems)
    recorders.check(store.read, principal)       # before the snapshot: a refused caller costs one read
    answer = incident.incident(store, artifact, version=version)
    snap = snapshot_of(answer)
    touched = [artifact] + [u["uid"] for u in answer["upstream"]]
    iid = f"inc-{secrets.token_hex(5)}"

    def planner(reader, at):
        recorders.check(reader, principal)
        if not reader("artifact_header", uid=artifact):
            raise NotFound(f"unknown artifact {artifact!r}")
        row = {"id": iid, "artifact": artifact, "version": snap["version"], "title": title.strip(),
               "severity": severity, "opened_by": recorders.author(principal), "at": at, "touched": touched,
               "snapshot": canonical_json(snap)}
        return write_path.ChangePlan(
            [Statement("incident_create", row)],
            [Change("incident.open", "incident", iid, {"artifact": artifact, "version": snap["version"],
                                                       "title": row["title"], "severity": severity,
                                                       "touched": touched})])

    write_path.apply(store, planner, actor=principal.actor, reason=title.strip())
    return get(store, iid)


def _record(reader, iid: str) -> dict:
    rows = reader("incident_by_id", id=iid)
    if not rows:
        raise NotFound(f"unknown incident {iid!r}")
    return rows[0]


def _still_open(reader, iid: str) -> dict:
    rec = _record(reader, iid)
    if rec["status"] != "open":
        raise ValidationFailed([Problem("incident", f"incident {iid} is already {rec['status']}")])
    return rec


def append(store: GraphStore, principal: access.Principal, iid: str, *, type: str, text: str) -> dict:
    """Add a timeline entry (``ENTRY_TYPES``) to an open incident; returns the record."""
    problems = _text("text", text, TEXT_MAX)
    if type not in ENTRY_TYPES:
        problems.insert(0, Problem("type", f"must be one of {', '.join(ENTRY_TYPES)}, got {type!r}"))
    if problems:
        raise ValidationFailed(problems)

    def planner(reader, at):
        rec = _still_open(reader, iid)
        recorders.check(reader, principal)
        n = int(rec["entries"] or 0) + 1
        return write_path.ChangePlan(
            [Statement("incident_entry_add", {"id": iid, "entry_id": f"{iid}#{n}", "n": n, "type": type,
                                              "text": text.strip(), "author": recorders.author(principal), "at": at})],
            [Change("incident.entry", "incident", iid, {"n": n, "type": type, "text": text.strip(),
                                                        "artifact": rec["artifact"]})])

    write_path.apply(store, planner, actor=principal.actor)
    return get(store, iid)


def resolve(store: GraphStore, principal: access.Principal, iid: str, *, postmortem: str,
            summary: str | None = None) -> dict:
    """Resolve an open incident with its postmortem link. The postmortem is attached to the
    failing artifact as a knowledge link in the same unit, so search finds it."""
    problems = []
    bad = url_problem(postmortem or "", "postmortem") if postmortem else "is required"
    if bad:
        problems.append(Problem("postmortem", bad))
    problems += _text("summary", summary, TEXT_MAX, required=False)
    if problems:
        raise ValidationFailed(problems)

    def planner(reader, at):
        rec = _still_open(reader, iid)
        recorders.check(reader, principal)
        who = recorders.author(principal)
        link = knowledge.link_row(rec["artifact"], "postmortem", f"Postmortem: {rec['title']}", postmortem,
                                  who, at, incident=iid)
        return write_path.ChangePlan(
            [Statement("incident_resolve", {"id": iid, "resolved_by": who, "at": at, "postmortem": postmortem,
                                            "summary": (summary or "").strip() or None}),
             Statement("knowledge_add", link)],
            [Change("incident.resolve", "incident", iid, {"artifact": rec["artifact"], "postmortem": postmortem,
                                                          "summary": (summary or "").strip() or None}),
             knowledge.change(link)])

    write_path.apply(store, planner, actor=principal.actor, reason=(summary or "").strip() or None)
    return get(store, iid)


def get(store: GraphStore, iid: str) -> dict:
    """One record with its snapshot and timeline."""
    rec = _record(store.read, iid)
    timeline = [{"n": e["n"], "type": e["type"], "text": e["text"], "author": e["author"],
                 "at": from_epoch_ms(e["at"])} for e in store.read("incident_entries", id=iid)]
    out = _row(rec)
    snap = stored_json.load_map(rec["snapshot"])
    out.update(summary=rec["summary"], resolved_by=rec["resolved_by"], touched=list(rec["touched"] or []),
               snapshot={"at": snap.get("at"), "version": snap.get("version"), "page": snap.get("page", []),
                         "upstream": snap.get("upstream", []), "truncated": bool(snap.get("truncated"))},
               timeline=timeline)
    return out


def _row(rec: dict) -> dict:
    return {"id": rec["id"], "artifact": rec["artifact"], "version": rec["version"], "title": rec["title"],
            "severity": rec["severity"], "status": rec["status"], "opened_by": rec["opened_by"],
            "opened_at": from_epoch_ms(rec["opened_at"]), "resolved_at": from_epoch_ms(rec["resolved_at"]),
            "postmortem": rec["postmortem"]}


def listing(store: GraphStore, *, artifact: str | None = None, status: str | None = None,
            limit: int = 100) -> list[dict]:
    """Records newest first: all, or those touching ``artifact`` (``role`` says whether it
    was the failing artifact or in its upstream set), open or resolved or both."""
    if status is not None and status not in STATUSES:
        raise ValidationFailed([Problem("status", f"must be one of {', '.join(STATUSES)}, got {status!r}")])
    rows = store.read("incidents_list", uid=artifact, status=status, limit=limit)
    out = []
    for r in rows:
        row = _row(r)
        if artifact is not None:
            row["role"] = "failing" if r["artifact"] == artifact else "upstream"
        out.append(row)
    return out


def open_of(store: GraphStore, artifact: str) -> list[dict]:
    """The open records of ``artifact`` failing, each in full (the incident page shows them)."""
    return [get(store, r["id"]) for r in listing(store, artifact=artifact, status="open")
            if r["artifact"] == artifact]
