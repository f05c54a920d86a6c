"""Recorded reviews: a performance, bias, drift ... review of an artifact, and its outcome.

Not the ownership review (``reviews``: the owner confirms they still own it); these are
reviews of the artifact's behaviour, each with an outcome, that the policy's review
cadences (``policy``) require per kind and scope. A review is a ``Review`` node tied to
its artifact (``REVIEW_OF``), written through the single write path as a
``review.record`` event on the artifact, so the artifact's history shows it.

Who may record: whoever may change the artifact (its primary owner, a steward, a member
of its accountable team, a team token of that team, an admin; ``access``), with the
``write`` scope. A review is a statement about the artifact, so it needs the same
standing as changing it.

Kinds are a closed list (``KINDS``). Why closed: cadences are keyed by kind, and a
review recorded as ``Drift`` or ``drfit`` would silently satisfy no cadence; refusing it
at the door (400 naming ``kind``) is cheaper than finding it missing in an audit. The
list covers what model-risk practice reviews on a schedule: ``performance`` (metrics
still meet the bar), ``bias`` and ``fairness`` (outcomes across groups), ``drift``
(input and prediction distributions), ``data_quality`` (the inputs themselves),
``security`` and ``privacy`` (exposure and personal data), ``explainability``.
"""

from __future__ import annotations

import re
import secrets

from ..errors import NotFound, PermissionDenied, Problem, ValidationFailed
from ..schema import from_epoch_ms, version_uid
from ..store.base import GraphStore, Statement
from . import access, write_path
from .audit import Change

KINDS = ("performance", "bias", "fairness", "drift", "data_quality", "security", "privacy",
         "explainability")
OUTCOMES = ("pass", "fail", "waived")
NOTES_MAX = 4000
LINK_MAX = 2000
LIST_MAX = 500
_LINK = re.compile(r"^https?://[^\s\x00-\x1f\x7f]+$")


def validate(kind, outcome, link, notes) -> list[Problem]:
    """Every problem with a review's fields (the API's models say the same up front)."""
    problems = []
    if kind not in KINDS:
        problems.append(Problem("kind", f"must be one of {', '.join(KINDS)}, got {kind!r}"))
    if outcome not in OUTCOMES:
        problems.append(Problem("outcome", f"must be one of {', '.join(OUTCOMES)}, got {outcome!r}"))
    if link is not None and (len(link) > LINK_MAX or not _LINK.match(link)):
        problems.append(Problem("link", f"must be an http(s) URL of at most {LINK_MAX} characters"))
    if notes is not None and len(notes) > NOTES_MAX:
        problems.append(Problem("notes", f"at most {NOTES_MAX} characters, got {len(notes)}"))
    return problems


def record(store: GraphStore, principal: access.Principal, *, artifact: str, kind: str, outcome: str,
           version: str | None = None, link: str | None = None, notes: str | None = None,
           at: int | None = None) -> dict:
    """Record a review of ``artifact`` (of one of its versions when ``version`` is given).

    Raises:
        ValidationFailed: a field breaks a rule.
        NotFound: unknown artifact, or a version it does not have.
        PermissionDenied: the caller may not change it.
    """
    link = (link or "").strip() or None
    notes = (notes or "").strip() or None
    problems = validate(kind, outcome, link, notes)
    if problems:
        raise ValidationFailed(problems)
    rid = f"rv-{secrets.token_hex(6)}"

    def planner(reader, when):
        rows = reader("artifact_kind_versions", uid=artifact,
                      version_uid=version_uid(artifact, version) if version else "")
        if not rows:
            raise NotFound(f"unknown artifact {artifact!r}")
        if version and not rows[0]["version"]:
            raise NotFound(f"unknown version {version!r} of {artifact}")
        if not principal.has("write") or not access.rights(reader, principal, [artifact]).may_change(artifact):
            raise PermissionDenied(f"may not record a review of {artifact}: you are not its owner, a steward, "
                                   f"or a member of its accountable team (and need the 'write' scope)")
        by = principal.person or f"team:{principal.team}"
        fields = {"id": rid, "artifact": artifact, "version": version, "kind": kind, "outcome": outcome,
                  "link": link, "notes": notes, "by": by, "at": when}
        return write_path.ChangePlan(
            [Statement("review_record", fields)],
            [Change("review.record", "artifact", artifact,
                    {"review": rid, "version": version, "kind": kind, "outcome": outcome, "link": link})])

    write_path.apply(store, planner, actor=principal.actor, reason=f"{kind} review: {outcome}", at=at)
    return next(r for r in of_artifact(store, artifact, limit=LIST_MAX) if r["id"] == rid)


def of_artifact(store: GraphStore, uid: str, limit: int = 100) -> list[dict]:
    """The reviews recorded on ``uid``, newest first (``at`` as ISO-8601 text).

    Raises:
        NotFound: unknown artifact.
    """
    rows = store.read("reviews_of_artifact", uid=uid, limit=limit)
    if not rows and not store.read("artifact_kind_versions", uid=uid, version_uid=""):
        raise NotFound(f"unknown artifact {uid!r}")
    return [r | {"at": from_epoch_ms(r["at"])} for r in rows]


def latest_all(store: GraphStore) -> dict[tuple[str, str], tuple[str, int]]:
    """(artifact uid, kind) -> (outcome, at ms) of the newest review, for the whole catalogue."""
    rows = store.read("reviews_latest_all")
    if not rows:
        return {}
    r = rows[0]
    return {(u, k): (o, t) for u, k, o, t in zip(r["uid"], r["kind"], r["outcome"], r["at"])}
