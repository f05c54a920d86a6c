"""Each artifact points at its newest versions, kept in the unit that writes them.

Why: "the newest version of X" (where a new version chains on) and "the newest version
of X made before T" (what a lineage run read) were answered by scanning every version
of X. A pipeline run every hour gains 8,760 versions a year, and every OpenLineage event
asks both questions for each dataset it names: measured on the embedded engine at 100k
artifacts, units of 400 events went from 218 to 288 ms (p50) as the stream's own jobs
reached 150 versions each, and kept growing. With the pointers both are one lookup.

What is kept, on the ``Artifact`` (derived data, not audited: recomputable from the
versions at any time, which ``ensure_schema`` does once for a store written before them:
``schema_setup.VERSION_POINTER_BACKFILL``):

- ``latest_version`` / ``latest_seq``: the version with the highest number;
- ``newest_version`` / ``newest_at`` / ``newest_seq``: the newest by creation time, then
  number.

Every statement that writes a version (``VERSION_WRITES``) is followed in its unit by
``advance_version_pointers``, with the unit's own newest per artifact and the versions it
wrote: the pointers move forward to the unit's newest, and when the unit rewrote the
version pointed at by time (its time may have gone back: an OpenLineage START arriving
after its COMPLETE, a manifest correcting ``created_at``) that artifact's newest is found
again among all its versions. So the pointers are exact after every unit (a version's
number never changes), and the reads trust them; an artifact without pointers is
scanned as before.
"""

from __future__ import annotations

from typing import Iterable

from ..store.base import Statement, batched

#: the statements that create or change versions (their rows carry uid, artifact_uid,
#: seq and created_at)
VERSION_WRITES = ("create_versions", "upsert_versions", "ol_upsert_versions", "ol_create_versions")
ADVANCE = "advance_version_pointers"


def rows(version_rows: Iterable[dict]) -> list[dict]:
    """One row per artifact: the highest-numbered and the newest (time, number) of
    ``version_rows``, for ``advance_version_pointers``."""
    by_artifact: dict[str, dict] = {}
    for v in version_rows:
        uid, seq, at = v["artifact_uid"], int(v["seq"]), v.get("created_at")
        cur = by_artifact.get(uid)
        if cur is None:
            cur = by_artifact[uid] = {"uid": uid, "written": [], "latest_version": v["uid"], "latest_seq": seq,
                                      "newest_version": None, "newest_at": None, "newest_seq": None}
        elif seq >= cur["latest_seq"]:
            cur["latest_version"], cur["latest_seq"] = v["uid"], seq
        cur["written"].append(v["uid"])
        if at is not None and (cur["newest_at"] is None or (at, seq) >= (cur["newest_at"], cur["newest_seq"])):
            cur["newest_version"], cur["newest_at"], cur["newest_seq"] = v["uid"], at, seq
    return [by_artifact[k] for k in sorted(by_artifact)]


def statements(rows_by_query: dict[str, list[dict]]) -> list[Statement]:
    """The pointer statements for the version rows of a unit's statements (none if the
    unit writes no version)."""
    advance = rows(r for name in VERSION_WRITES for r in rows_by_query.get(name, ()))
    return [Statement(ADVANCE, {"rows": chunk}) for chunk in batched(advance)]
