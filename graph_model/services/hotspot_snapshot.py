"""The whole-catalogue facts hotspot scoring needs, loaded in ten bulk reads.

Why bulk: scoring ranks every artifact against every other, so it needs all of them;
one query per artifact would be 100k round trips. Each read here is a single scan
answering with one row of parallel lists (see ``columns``), and everything else
(reach, centrality, risk) is computed in process from this snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from ..store.base import GraphStore
from . import recorded_reviews


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
    run_failed: bool = False                              # latest run failed (services.runs)
    incidents: list[int] = field(default_factory=list)    # epoch ms each incident of it was opened
    review_from: int | None = None                        # epoch ms the primary's review runs from
    namespace: str = ""                                   # namespace and tags: review cadences' scope
    tags: list[str] = field(default_factory=list)
    reviews: dict = field(default_factory=dict)           # review kind -> (outcome, at ms), newest


@dataclass
class Snapshot:
    """Artifacts, people (id -> name, active) and artifact-level lineage edges."""

    artifacts: dict[str, ArtifactFacts]
    people: dict[str, dict]
    edges: list[tuple[str, str]]                          # (downstream, upstream)


def columns(store: GraphStore, name: str, *fields: str) -> Iterator[tuple]:
    """Rows of ``fields`` from a query that answers with one row of parallel lists.

    Why: both drivers spend most of a bulk read on per-row overhead; a 100k-row answer
    read as a handful of long lists is 3-10x faster. The queries keep nulls out of the
    lists (``collect`` drops them, which would misalign the columns).

    Raises:
        RuntimeError: the lists differ in length (a query that let a null through).
    """
    rows = store.read(name)
    if not rows:
        return iter(())
    lists = [rows[0][f] for f in fields]
    if len({len(col) for col in lists}) > 1:
        raise RuntimeError(f"query {name!r} returned columns of different lengths")
    return zip(*lists)


def load_snapshot(store: GraphStore) -> Snapshot:
    """Read every artifact, current owner, team, lineage edge and activity time."""
    rows = columns(store, "hotspot_artifacts", "uid", "kind", "has_description", "has_runbook", "namespace", "tags")
    artifacts = {uid: ArtifactFacts(uid, kind, bool(desc), bool(runbook), namespace=ns, tags=list(tags or []))
                 for uid, kind, desc, runbook, ns, tags in rows}
    people = {pid: {"id": pid, "name": name, "active": active is not False}
              for pid, name, active in columns(store, "hotspot_people", "id", "name", "active")}
    for uid, person, role, review_from in columns(store, "hotspot_owners", "uid", "person", "role",
                                                  "review_from"):
        a = artifacts.get(uid)
        if a is not None:
            (a.primary if role == "primary" else a.stewards).append(person)
            if role == "primary" and review_from >= 0:
                a.review_from = review_from if a.review_from is None else min(a.review_from, review_from)
    for uid, team in columns(store, "hotspot_teams", "uid", "team"):
        if uid in artifacts:
            artifacts[uid].teams.append(team)
    for uid, versions, last in columns(store, "artifact_version_activity", "uid", "versions",
                                       "last_version_at"):
        a = artifacts.get(uid)
        if a is not None:
            a.versions = int(versions)
            a.last_activity = last if last >= 0 else None
    for uid, last in columns(store, "artifact_run_activity", "uid", "last_run_at"):
        a = artifacts.get(uid)
        if a is not None:
            a.last_activity = max(a.last_activity or last, last)
    for (uid,) in columns(store, "artifacts_latest_run_failed", "uid"):
        if uid in artifacts:
            artifacts[uid].run_failed = True
    for uid, opened_at in columns(store, "hotspot_incidents", "uid", "opened_at"):
        if uid in artifacts:
            artifacts[uid].incidents.append(int(opened_at))
    for (uid, kind), newest in recorded_reviews.latest_all(store).items():
        if uid in artifacts:
            artifacts[uid].reviews[kind] = newest
    edges = []
    for down, up in columns(store, "artifact_lineage_edges", "downstream", "upstream"):
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
