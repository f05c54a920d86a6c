"""Checks a manifest against itself and the graph: references, duplicates, cycles.

Every problem is collected with its path; the caller raises them together so that
nothing is written when anything is wrong.
"""

from __future__ import annotations

import networkx as nx

from ..errors import Problem
from ..schema import Manifest, version_uid
from ..store.base import Reader, batched
from .state import State


def _duplicates(items: list[str], path: str, what: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, key in enumerate(items):
        if key in seen:
            problems.append(Problem(f"{path}[{i}]", f"duplicate {what} {key!r} (first at {path}[{seen[key]}])"))
        else:
            seen[key] = i
    return problems


def check_manifest(m: Manifest, st: State, reader: Reader) -> list[Problem]:
    people = {p.id for p in m.people} | set(st.people)
    teams = {t.id for t in m.teams} | set(st.teams)
    problems = _duplicates([p.id for p in m.people], "people", "id")
    problems += _duplicates([t.id for t in m.teams], "teams", "id")
    problems += _duplicates([a.uid for a in m.artifacts], "artifacts", "uid")

    def person(path: str, pid: str) -> None:
        if pid not in people:
            problems.append(Problem(path, f"unknown person {pid!r}"))

    for i, t in enumerate(m.teams):
        for j, pid in enumerate(t.members):
            person(f"teams[{i}].members[{j}]", pid)
        for j, pid in enumerate(t.escalation):
            person(f"teams[{i}].escalation[{j}]", pid)

    manifest_versions = {version_uid(a.uid, v.version) for a in m.artifacts for v in a.versions}
    versions = manifest_versions | set(st.versions)
    commits: dict[str, tuple[str, dict]] = {}
    for i, a in enumerate(m.artifacts):
        base = f"artifacts[{i}]"
        if a.owner:
            person(f"{base}.owner", a.owner)
            if a.owner in a.stewards:
                problems.append(Problem(f"{base}.stewards", f"{a.owner!r} is already the primary owner"))
        for j, pid in enumerate(a.stewards):
            person(f"{base}.stewards[{j}]", pid)
        problems += _duplicates(a.stewards, f"{base}.stewards", "steward")
        if a.team and a.team not in teams:
            problems.append(Problem(f"{base}.team", f"unknown team {a.team!r}"))
        problems += _duplicates([v.version for v in a.versions], f"{base}.versions", "version")
        for j, v in enumerate(a.versions):
            vpath = f"{base}.versions[{j}]"
            vuid = version_uid(a.uid, v.version)
            existing = st.versions.get(vuid)
            if v.commit:
                if v.commit.author:
                    person(f"{vpath}.commit.author", v.commit.author)
                fields = v.commit.model_dump(exclude_unset=True, exclude={"sha"})
                prior = commits.get(v.commit.sha)
                if prior and prior[1] != fields and fields:
                    problems.append(Problem(f"{vpath}.commit", f"commit {v.commit.sha!r} is described "
                                                               f"differently at {prior[0]}"))
                elif fields or not prior:
                    commits[v.commit.sha] = (f"{vpath}.commit", fields)
                if existing and existing.get("sha") and existing["sha"] != v.commit.sha:
                    problems.append(Problem(f"{vpath}.commit", f"version {vuid!r} is already built from "
                                                               f"commit {existing['sha']!r}; provenance is immutable"))
            if v.run and existing and existing.get("run") and existing["run"] != v.run.id:
                problems.append(Problem(f"{vpath}.run", f"version {vuid!r} was already produced by run "
                                                        f"{existing['run']!r}; provenance is immutable"))
            for k, d in enumerate(v.derived_from):
                if d.uid not in versions:
                    problems.append(Problem(f"{vpath}.derived_from[{k}]", f"unknown version {d.uid!r}"))
    problems += _cycles(m, st, reader)
    return problems


def _cycles(m: Manifest, st: State, reader: Reader) -> list[Problem]:
    """Lineage must stay acyclic. Only an existing version that gains an upstream edge
    can close a cycle through stored edges, so only then is the stored closure read."""
    g = nx.DiGraph()
    where: dict[tuple[str, str], str] = {}
    for i, a in enumerate(m.artifacts):
        for j, v in enumerate(a.versions):
            src = version_uid(a.uid, v.version)
            for k, d in enumerate(v.derived_from):
                g.add_edge(src, d.uid)
                where.setdefault((src, d.uid), f"artifacts[{i}].versions[{j}].derived_from[{k}]")
    if not where:
        return []
    if any(src in st.versions for src, _ in where):
        targets = sorted({t for _, t in where if t in st.versions})
        for chunk in batched(targets, 500):
            for row in reader("upstream_edges_of", uids=chunk):
                g.add_edge(row["source"], row["target"])
    problems = []
    for component in nx.strongly_connected_components(g):
        if len(component) == 1:
            node = next(iter(component))
            if not g.has_edge(node, node):
                continue
        cycle = [u for u, _ in nx.find_cycle(g.subgraph(component))]
        text = " -> ".join(cycle + [cycle[0]])
        for edge in sorted(e for e in where if e[0] in component and e[1] in component):
            problems.append(Problem(where[edge], f"lineage cycle: {text}"))
    return problems
