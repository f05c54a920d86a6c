"""Recent changes on an incident's lineage path: what each changed, and which were only
data refreshes.

For each artifact whose version on the path is recent (``risk.RECENT_DAYS``), the
versions of it in the recent window up to that one are compared with the versions
before them (``compare.diffs_with_previous``, read in bulk: a fixed number of reads
whatever the number of artifacts). If any of them changed code, parameters, schema or
inputs (``change_line.is_refresh`` says no), the artifact is a ``recent_change``,
described by the newest such version: a refresh on top of a real change from two days
earlier still runs that change, so it must not hide it. Otherwise it is a
``data_refresh``, described by its version on the path.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..store.base import GraphStore, batched
from . import change_line, compare, ownership
from .risk import RECENT_MS

CHANGE, REFRESH = "recent_change", "data_refresh"


@dataclass(frozen=True)
class Recent:
    """One artifact's recent change: the answer's view, and its instant to order by."""

    view: dict
    at_ms: int

    @property
    def flag(self) -> str:
        return self.view["kind"]


def classify(store: GraphStore, on_path: dict[str, dict], at: int) -> dict[str, Recent]:
    """Artifact uid -> its recent change (``Recent.view`` is what the answer shows).

    Args:
        on_path: artifact uid -> the version change row (``version_changes`` columns)
            of its newest recent version on the path (``ownership.newest_recent_row``).

    Returns:
        artifact uid -> Recent whose view is ``{version, created_at, commit, author, commit_time, ago,
        kind: "recent_change" | "data_refresh", what: one line, compare: {a, b}}``
        where ``compare`` names the two versions the line compares (``b`` None for a
        first version), for the full compare page.
    """
    window: dict[str, list[dict]] = {}
    for chunk in batched(sorted(on_path)):
        for r in store.read("window_versions_of", uids=chunk, since=at - RECENT_MS, at=at):
            window.setdefault(r["artifact"], []).append(r)
    considered: dict[str, list[dict]] = {}
    for auid, row in on_path.items():
        rows = window.get(auid, [])
        seq = next((r["seq"] for r in rows if r["version"] == row["version"]), None)
        # versions of the window up to the one on the path (newer ones are not what runs)
        earlier = [r for r in rows if seq is not None and r["seq"] < seq]
        considered[auid] = earlier + [row]
    diffs = compare.diffs_with_previous(store, [r["version"] for rows in considered.values() for r in rows])
    out = {}
    for auid, rows in considered.items():
        real = [r for r in rows if not change_line.is_refresh(diffs.get(r["version"]))]
        row = real[-1] if real else rows[-1]
        d = diffs.get(row["version"])
        view = ownership.recent_view(row, at)
        view.update(kind=CHANGE if real else REFRESH, what=change_line.line(d),
                    compare={"a": row["version"], "b": d["b"]["uid"] if d else None})
        out[auid] = Recent(view, ownership.change_time(row))
    return out

