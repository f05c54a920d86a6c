"""Breadth-first lineage walks over versions, one batched query per hop.

Why hop by hop: a variable-length pattern enumerates *paths*, which explodes on the
diamonds lineage is full of, and neither engine accepts a parameter as the length bound.
A frontier walk visits each version once, gives exact distances (the hop it was first
reached at), and can stop at a depth or a size cap while knowing whether more exists,
so an answer never looks complete when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import BadParameter
from ..store.base import GraphStore, batched

UPSTREAM = "upstream_hop"
DOWNSTREAM = "downstream_hop"
DEFAULT_MAX_VERSIONS = 20_000
DEFAULT_DEPTH = 10
MAX_DEPTH = 50


def check_depth(depth: int | None, default: int = DEFAULT_DEPTH) -> int:
    """The walk depth asked for (``default`` when None); BadParameter unless 1..MAX_DEPTH."""
    if depth is None:
        return default
    if not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH:
        raise BadParameter("depth", f"must be an integer from 1 to {MAX_DEPTH}, got {depth!r}")
    return depth


@dataclass
class Walk:
    """Versions reached from the start, with the edges used and why the walk stopped."""

    start: list[str]
    distance: dict[str, int] = field(default_factory=dict)       # version uid -> hops
    artifact_of: dict[str, str] = field(default_factory=dict)    # version uid -> artifact uid
    edges: list[dict] = field(default_factory=list)              # {source, target, relation}
    truncated: bool = False
    truncated_reason: str | None = None

    def artifacts(self) -> dict[str, dict]:
        """Artifact uid -> {distance (nearest), versions reached (sorted by distance)}."""
        out: dict[str, dict] = {}
        for vuid, dist in sorted(self.distance.items(), key=lambda kv: (kv[1], kv[0])):
            auid = self.artifact_of.get(vuid)
            if auid is None:
                continue
            entry = out.setdefault(auid, {"distance": dist, "versions": []})
            entry["versions"].append(vuid)
        return out


def walk(store: GraphStore, start: list[str], direction: str, depth: int,
         max_versions: int = DEFAULT_MAX_VERSIONS) -> Walk:
    """Walk lineage from ``start`` versions, ``depth`` hops at most.

    Args:
        direction: ``UPSTREAM`` (what it came from) or ``DOWNSTREAM`` (what came from it).
        max_versions: size cap; reaching it stops the walk and marks it truncated.
    """
    w = Walk(start=list(start))
    for vuid in start:
        w.distance[vuid] = 0
    frontier = list(start)
    hop = 0
    seen_edges: set[tuple[str, str, str]] = set()
    while frontier:
        rows = _hop(store, direction, frontier)
        if hop == depth:
            if rows:
                w.truncated = True
                w.truncated_reason = f"depth limit {depth} reached; more lineage lies beyond it"
            break
        hop += 1
        nxt = []
        for r in rows:
            key = (r["source"], r["target"], r["relation"])
            if key not in seen_edges:
                seen_edges.add(key)
                w.edges.append({"source": r["source"], "target": r["target"], "relation": r["relation"]})
            if r["target"] not in w.distance:
                w.distance[r["target"]] = hop
                w.artifact_of[r["target"]] = r["artifact"]
                nxt.append(r["target"])
        if len(w.distance) > max_versions:
            w.truncated = True
            w.truncated_reason = (f"size cap of {max_versions} versions reached at distance {hop}; "
                                  f"the walk stopped there")
            break
        frontier = nxt
    return w


def _hop(store: GraphStore, direction: str, frontier: list[str]) -> list[dict]:
    rows: list[dict] = []
    for chunk in batched(frontier):
        rows.extend(store.read(direction, frontier=chunk))
    return rows
