"""Knowledge links: postmortems, case studies and how-tos attached to artifacts.

A link is a title and an http(s) URL on one artifact, with who attached it and when. Its
id is derived from the artifact and the URL, so attaching the same URL again retitles the
link rather than adding a second one (and an unchanged re-send is not logged). Resolving
an incident attaches its postmortem to the failing artifact. The dashboard's search box
finds links by title, URL or artifact uid.

Who may attach: like incident records, any active principal with ``write``
(``recorders``): postmortems and how-tos are written by responders, who are often not
the artifact's owners; the link names its author and the audit log keeps it.
"""

from __future__ import annotations

import hashlib

from ..errors import NotFound, Problem, ValidationFailed
from ..schema import from_epoch_ms, text_problem, url_problem
from ..store.base import GraphStore, Statement
from . import access, recorders, write_path
from .audit import Change

KINDS = ("postmortem", "case_study", "howto")
TITLE_MAX = 300
SEARCH_LIMIT_MAX = 200


def link_id(artifact: str, url: str) -> str:
    return "kn-" + hashlib.sha256(f"{artifact}\n{url}".encode()).hexdigest()[:16]


def link_row(artifact: str, kind: str, title: str, url: str, added_by: str, at: int,
             incident: str | None = None) -> dict:
    """The ``knowledge_add`` parameters of one link."""
    return {"id": link_id(artifact, url), "artifact": artifact, "kind": kind, "title": title, "url": url,
            "added_by": added_by, "at": at, "incident": incident}


def change(row: dict) -> Change:
    return Change("knowledge.add", "artifact", row["artifact"],
                  {"id": row["id"], "kind": row["kind"], "title": row["title"], "url": row["url"],
                   "incident": row["incident"]})


def _check(kind: str, title: str, url: str) -> None:
    problems = []
    if kind not in KINDS:
        problems.append(Problem("kind", f"must be one of {', '.join(KINDS)}, got {kind!r}"))
    if not title or not title.strip():
        problems.append(Problem("title", "is required"))
    elif len(title) > TITLE_MAX or text_problem(title, "title"):
        problems.append(Problem("title", text_problem(title, "title") or f"at most {TITLE_MAX} characters"))
    bad = url_problem(url, "url") if url else "is required"
    if bad:
        problems.append(Problem("url", bad))
    if problems:
        raise ValidationFailed(problems)


def add(store: GraphStore, principal: access.Principal, *, artifact: str, kind: str, title: str,
        url: str) -> dict:
    """Attach a link to ``artifact``; returns it. 400 bad input, 403 no right to record,
    404 unknown artifact."""
    _check(kind, title, url)
    title = title.strip()

    def planner(reader, at):
        recorders.check(reader, principal)
        if not reader("artifact_header", uid=artifact):
            raise NotFound(f"unknown artifact {artifact!r}")
        current = reader("knowledge_by_id", id=link_id(artifact, url))
        if current and (current[0]["title"], current[0]["kind"]) == (title, kind):
            return write_path.ChangePlan()
        row = link_row(artifact, kind, title, url, recorders.author(principal), at,
                       incident=current[0]["incident"] if current else None)
        return write_path.ChangePlan([Statement("knowledge_add", row)], [change(row)])

    write_path.apply(store, planner, actor=principal.actor)
    return _view(store.read("knowledge_by_id", id=link_id(artifact, url))[0])


def _view(row: dict) -> dict:
    return {"id": row["id"], "artifact": row["artifact"], "kind": row["kind"], "title": row["title"],
            "url": row["url"], "added_by": row["added_by"], "added_at": from_epoch_ms(row["added_at"]),
            "incident": row["incident"]}


def of_artifact(store: GraphStore, uid: str) -> list[dict]:
    return [_view(r) for r in store.read("knowledge_of_artifacts", uids=[uid])]


def search(store: GraphStore, q: str, limit: int = 20) -> list[dict]:
    """Links whose title, URL or artifact uid contains ``q`` (case-insensitive)."""
    q = (q or "").strip().lower()
    if not q:
        return []
    return [_view(r) for r in store.read("knowledge_search", q=q, limit=max(1, min(limit, SEARCH_LIMIT_MAX)))]
