"""The whole-catalogue facts hotspot scoring needs, loaded in seven bulk reads.

Why bulk: scoring ranks every artifact against every other, so it needs all of them;
one query per artifact would be 100k round trips. Each read here is a single scan
returning plain rows, and everything else (reach, centrality, risk) is computed in
process from this snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..store.base import GraphStore


@dataclass
class ArtifactFacts:
    """One artifact as scoring sees it."""

    uid: str
    kind: str
    has_description: bool
    has_runbook: bool
    primary: list[str] = field(default_factory=list)      # person ids, current
    stewards: list[str] = field(default_factory=list)     # person ids, current
    teams: list[str] = field(default_factory=list)
    versions: int = 0
    last_activity: int | None = None                      # epoch ms: newest version or run
    has_upstream: bool = False


@dataclass
class Snapshot:
    """Artifacts, people (id -> name, active) and artifact-level lineage edges."""

    artifacts: dict[str, ArtifactFacts]
    people: dict[str, dict]
    edges: list[tuple[str, str]]                          # (downstream, upstream)


def load_snapshot(store: GraphStore) -> Snapshot:
    """Read every artifact, current owner, team, lineage edge and activity time."""
    artifacts = {
        r["uid"]: ArtifactFacts(r["uid"], r["kind"], bool(r["has_description"]), bool(r["has_runbook"]))
        for r in store.read("hotspot_artifacts")
    }
    people = {r["id"]: {"id": r["id"], "name": r["name"], "active": r["active"] is not False}
              for r in store.read("hotspot_people")}
    for r in store.read("hotspot_owners"):
        a = artifacts.get(r["uid"])
        if a is not None:
            (a.primary if r["role"] == "primary" else a.stewards).append(r["person"])
    for r in store.read("hotspot_teams"):
        if r["uid"] in artifacts:
            artifacts[r["uid"]].teams.append(r["team"])
    for r in store.read("artifact_version_activity"):
        a = artifacts.get(r["uid"])
        if a is not None:
            a.versions = int(r["versions"] or 0)
            a.last_activity = r["last_version_at"]
    for r in store.read("artifact_run_activity"):
        a = artifacts.get(r["uid"])
        if a is not None and r["last_run_at"] is not None:
            a.last_activity = max(a.last_activity or r["last_run_at"], r["last_run_at"])
    edges = []
    for r in store.read("artifact_lineage_edges"):
        down, up = r["downstream"], r["upstream"]
        if down in artifacts and up in artifacts:
            edges.append((down, up))
            artifacts[down].has_upstream = True
    for a in artifacts.values():
        if len(a.primary) > 1:
            a.primary.sort()
        if len(a.stewards) > 1:
            a.stewards.sort()
        if len(a.teams) > 1:
            a.teams.sort()
    return Snapshot(artifacts, people, edges)
