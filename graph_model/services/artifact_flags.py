"""The flags that come from reviews, for the incident answer and the artifact card.

Why apart from ``ownership.flags``: those are computed from what an incident already
reads (owners, last changes); the review flags need their own reads (the ownership's
review-by date), and both the incident answer and the card add them the same way, so
they live once here. The hotspot ranking computes the same flags from its bulk
snapshot (``hotspot_snapshot``), by the same rules of ``risk``.
"""

from __future__ import annotations

from ..clock import now_ms
from ..store.base import GraphStore, batched
from . import ownership, policy, reviews, rules, runs


def review_flags(store: GraphStore, uids: list[str], at: int) -> dict[str, list[str]]:
    """Artifact uid -> the review flags that apply at ``at`` (only uids with some): the
    ownership review (``review_overdue``) and the recorded reviews the policy in force
    (``policy.active``) requires (``recorded_review_overdue``, ``recorded_review_failed``)."""
    out: dict[str, list[str]] = {}
    for uid in sorted(reviews.overdue_uids(store.read, uids, at)):
        out.setdefault(uid, []).append("review_overdue")
    pol = policy.active()
    for chunk in batched(sorted(set(uids))):
        facts: dict[str, tuple] = {}
        latest: dict[str, dict] = {}
        for r in store.read("review_facts_of", uids=chunk):
            facts[r["uid"]] = (r["artifact_kind"], r["tags"], r["namespace"])
            if r["kind"] is not None:
                latest.setdefault(r["uid"], {})[r["kind"]] = (r["outcome"], r["at"])
        for uid, (kind, tags, ns) in facts.items():
            found = rules.review_flags(pol, kind, tags, ns, latest.get(uid, {}), at)
            if found:
                out.setdefault(uid, []).extend(found)
    return out


def card_flags(store: GraphStore, uid: str, at: int | None = None) -> list[str]:
    """The flags of one artifact on its card, at ``at`` (default now): the incident
    answer's flags for it, less ``recent_change`` (which belongs to a lineage path)."""
    at = now_ms() if at is None else at
    owned = ownership.load_owned(store, [uid], at).get(uid)
    out = ownership.flags(owned, ownership.load_last_changes(store, [uid], at).get(uid), at, False)
    if uid in runs.failed(store, [uid], at):
        out.append(runs.RUN_FAILED)
    return out + review_flags(store, [uid], at).get(uid, [])
