"""Everything the policy rules read, for the whole catalogue, in ten bulk reads.

Why bulk: a check evaluates every artifact against every rule; one query per artifact
and rule would be ~100k round trips at 10k artifacts. Each read is one scan answering
with one row of parallel lists (``hotspot_snapshot.columns``); the rules then run in
process over these facts. Transitive lineage to a dataset is one breadth-first pass over
the artifact-level lineage edges, downstream from every dataset, not a walk per artifact.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ..store.base import GraphStore
from . import recorded_reviews
from .hotspot_snapshot import columns


@dataclass
class ArtifactFacts:
    uid: str
    kind: str
    namespace: str
    tags: list[str]
    has_runbook: bool
    primary: list[str] = field(default_factory=list)
    stewards: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    review_from: int | None = None      # the primary ownership's review period start (ms)
    newest: str | None = None           # newest version uid (highest seq)


@dataclass
class Facts:
    artifacts: dict[str, ArtifactFacts]
    active: dict[str, bool]                              # person id -> active
    escalation: dict[str, list[str]]                     # team id -> person ids, in order
    reaches_dataset: set[str]                            # artifacts with lineage to a dataset
    runs: dict[str, list[tuple[str, int]]]               # version uid -> [(log uri, at ms)]
    runs_models: dict[str, list[str]]                    # deployment version -> model versions
    evaluated: set[str]                                  # model versions with an evaluation
    reviews: dict[tuple[str, str], tuple[str, int]]      # (uid, kind) -> (outcome, at ms)

    def is_active(self, pid: str) -> bool:
        return self.active.get(pid, False)


def load(store: GraphStore) -> Facts:
    """Read the facts of every artifact."""
    arts = {uid: ArtifactFacts(uid, kind, ns, list(tags or []), bool(rb))
            for uid, kind, ns, tags, rb in columns(store, "policy_artifacts", "uid", "kind", "namespace",
                                                   "tags", "has_runbook")}
    active = {pid: a is not False for pid, _name, a in columns(store, "hotspot_people", "id", "name", "active")}
    for uid, person, role, review_from in columns(store, "hotspot_owners", "uid", "person", "role",
                                                  "review_from"):
        a = arts.get(uid)
        if a is None:
            continue
        if role == "primary":
            a.primary.append(person)
            if review_from >= 0:
                a.review_from = review_from if a.review_from is None else min(a.review_from, review_from)
        else:
            a.stewards.append(person)
    for uid, team in columns(store, "hotspot_teams", "uid", "team"):
        if uid in arts:
            arts[uid].teams.append(team)
    for a in arts.values():
        a.primary.sort()
        a.stewards.sort()
        a.teams.sort()
    escalation = {t: list(ids or []) for t, ids in columns(store, "policy_team_escalations", "team", "escalation")}
    for uid, newest in columns(store, "policy_newest_versions", "uid", "newest"):
        if uid in arts:
            arts[uid].newest = newest
    runs: dict[str, list[tuple[str, int]]] = {}
    for vuid, log, at in columns(store, "policy_version_runs", "version", "log_uri", "at"):
        runs.setdefault(vuid, []).append((log, at))
    runs_models: dict[str, list[str]] = {}
    evaluated: set[str] = set()
    for vuid, kind, model_version in columns(store, "policy_model_links", "version", "kind", "model_version"):
        if kind == "deployment":
            runs_models.setdefault(vuid, []).append(model_version)
        else:
            evaluated.add(model_version)
    edges = list(columns(store, "artifact_lineage_edges", "downstream", "upstream"))
    return Facts(arts, active, escalation, _downstream_of_datasets(arts, edges), runs, runs_models,
                 evaluated, recorded_reviews.latest_all(store))


def _downstream_of_datasets(arts: dict[str, ArtifactFacts], edges) -> set[str]:
    """Every artifact with a dataset upstream of it, at any distance (one BFS)."""
    down: dict[str, list[str]] = {}
    for d, u in edges:
        down.setdefault(u, []).append(d)
    queue = deque(uid for uid, a in arts.items() if a.kind == "dataset")
    seen: set[str] = set()
    while queue:
        for d in down.get(queue.popleft(), ()):
            if d not in seen:
                seen.add(d)
                queue.append(d)
    return seen


def load_one(store: GraphStore, uid: str, vuid: str) -> Facts | None:
    """The facts of one artifact, judged at its version ``vuid`` (the deploy gate): a few
    indexed reads instead of the whole catalogue (None: unknown artifact). Lineage to a
    dataset is left to the caller, which walks it from the version."""
    rows = store.read("gate_owners", uid=uid)
    if not rows:
        return None
    r = rows[0]
    a = ArtifactFacts(uid, r["kind"], r["namespace"], list(r["tags"] or []), bool(r["has_runbook"]))
    for o in r["owners"]:
        if o.get("id") is None:
            continue
        if o["role"] == "primary":
            a.primary.append(o["id"])
            if o.get("review_from") is not None:
                a.review_from = o["review_from"] if a.review_from is None else min(a.review_from, o["review_from"])
        else:
            a.stewards.append(o["id"])
    teams = [t for t in r["teams"] if t.get("id")]
    a.teams = sorted(t["id"] for t in teams)
    a.primary.sort()
    a.stewards.sort()
    escalation = {t["id"]: list(t["escalation"] or []) for t in teams}
    ids = sorted(set(a.primary + a.stewards + [p for ladder in escalation.values() for p in ladder]))
    active = {p["id"]: p.get("active") is not False for p in store.read("people_by_ids", ids=ids)}
    latest = store.read("latest_versions_of", uids=[uid])
    a.newest = latest[0]["latest"] if latest else None
    runs = {vuid: [(x["log_uri"], x["at"]) for x in store.read("gate_version_runs", uid=vuid)]}
    links = store.read("gate_model_links", uid=vuid)
    runs_models = {vuid: [x["model_version"] for x in links if not x["itself"]]}
    evaluated = {x["model_version"] for x in links if x["evaluations"] > 0}
    reviews = {(uid, x["kind"]): (x["outcome"], x["at"]) for x in store.read("review_facts_of", uids=[uid])
               if x["kind"] is not None}
    return Facts({uid: a}, active, escalation, set(), runs, runs_models, evaluated, reviews)
