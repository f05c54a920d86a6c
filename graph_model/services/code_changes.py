"""Recent commits to the code of the failing artifact and its upstream (git import).

A responder's next question after "who owns it and what changed upstream" is "who
touched the code": the authors of commits in the 7 days before the incident (the
window of ``risk.RECENT_MS``) to any artifact on the path, nearest first, newest
first within an artifact. Commits come from ``ownergraph import git`` (``CHANGED_CODE_OF``).
"""

from __future__ import annotations

from ..schema import from_epoch_ms
from ..store.base import GraphStore, batched
from .ownership import days_before
from .risk import RECENT_MS


def recent(store: GraphStore, ordered: list[tuple[str, int]], at: int) -> list[dict]:
    """``ordered``: (artifact uid, distance), nearest first. Returns one row per commit:
    uid, distance, sha, time, author (person id or None), author_name, ago."""
    rows: dict[str, list[dict]] = {}
    uids = [uid for uid, _ in ordered]
    for chunk in batched(sorted(set(uids))):
        for r in store.read("code_changes_of", uids=chunk, since=at - RECENT_MS, at=at):
            rows.setdefault(r["uid"], []).append(r)
    out = []
    for uid, distance in ordered:
        for r in rows.get(uid, []):
            out.append({"uid": uid, "distance": distance, "sha": r["sha"], "time": from_epoch_ms(r["time"]),
                        "author": r.get("author"), "author_name": r.get("author_name"),
                        "ago": days_before(r["time"], at)})
    return out
