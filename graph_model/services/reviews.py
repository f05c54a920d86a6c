"""Ownership review: each primary ownership is reviewed by a date, confirmed in one call.

The review-by instant is the last confirmation, else the start of the ownership, plus
180 days (``REVIEW_DAYS``). Only the current primary owner confirms (audited as
``ownership.confirm``; the confirmation is a property of the ownership edge, so a new
owner starts a new review period). ``overdue`` lists what is past its date; the
``review_overdue`` flag of artifact, incident and hotspot answers reads ``overdue_uids``.
"""

from __future__ import annotations

from ..errors import NotFound, PermissionDenied
from ..schema import from_epoch_ms
from ..store.base import GraphStore, Reader, Statement, batched
from . import access, risk, write_path
from .audit import Change

REVIEW_DAYS = risk.REVIEW_DAYS      # the vocabulary holds the threshold (docs/flags.md)
PERIOD_MS = REVIEW_DAYS * 86_400_000


def review_by(since: int | None, confirmed_at: int | None) -> int | None:
    start = confirmed_at if confirmed_at is not None else since
    return None if start is None else start + PERIOD_MS


def _row(r: dict, at: int) -> dict:
    due = review_by(r["since"], r["confirmed_at"])
    return {"uid": r["uid"], "owner": r["person"], "since": from_epoch_ms(r["since"]),
            "confirmed_at": from_epoch_ms(r["confirmed_at"]), "review_by": from_epoch_ms(due),
            "overdue": due is not None and due < at}


def status(reader: Reader, uid: str, at: int | None = None) -> dict | None:
    """The review of ``uid``'s primary ownership (None when it has no primary owner)."""
    rows = reader("ownership_reviews", uids=[uid])
    return _row(rows[0], write_path.now_ms() if at is None else at) if rows else None


def overdue_uids(reader: Reader, uids, at: int) -> set[str]:
    """Which of ``uids`` have a primary ownership past its review-by date."""
    out: set[str] = set()
    for chunk in batched(sorted(set(uids))):
        out |= {r["uid"] for r in reader("ownership_reviews", uids=chunk)
                if risk.review_overdue(r["since"], r["confirmed_at"], at)}
    return out


def overdue(store: GraphStore, limit: int = 100, at: int | None = None) -> list[dict]:
    at = write_path.now_ms() if at is None else at
    return [_row(r, at) for r in store.read("overdue_reviews", at=at, period_ms=PERIOD_MS, limit=limit)]


def confirm(store: GraphStore, principal: access.Principal, uid: str) -> dict:
    """The current primary owner confirms ``uid``; returns the new review status."""

    def planner(reader, at):
        rows = reader("ownership_reviews", uids=[uid])
        if not rows:
            if not reader("access_artifact_holders", uids=[uid]):
                raise NotFound(f"unknown artifact {uid!r}")
            raise PermissionDenied(f"{uid} has no primary owner to confirm it")
        owner = rows[0]["person"]
        if principal.person != owner or not principal.has("write"):
            raise PermissionDenied(f"only {owner}, the primary owner of {uid}, may confirm it")
        return write_path.ChangePlan(
            [Statement("confirm_ownership", {"person": owner, "uid": uid, "at": at})],
            [Change("ownership.confirm", "artifact", uid, {"person": owner,
                                                            "review_by": from_epoch_ms(at + PERIOD_MS)})])

    write_path.apply(store, planner, actor=principal.actor, reason="ownership review")
    return status(store.read, uid)
