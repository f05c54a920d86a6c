"""Checks a manifest against itself and the graph: references, duplicates, cycles.

Every problem is collected with its path; the caller raises them together so that
nothing is written when anything is wrong.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Iterator

import networkx as nx

from ..errors import Problem
from ..schema import SLUG_RE, version_ref_problem, version_uid
from ..store.base import Reader, batched
from .state import State

if TYPE_CHECKING:
    from .parse import Draft


def duplicates(keyed: Iterable[tuple[int, Any]], path: str, what: str) -> list[Problem]:
    """The one duplicate check: ``keyed`` is (index, key) pairs under ``path``."""
    seen: dict[Any, int] = {}
    problems = []
    for i, key in keyed:
        if key in seen:
            problems.append(Problem(f"{path}[{i}]", f"duplicate {what} {key!r} (first at {path}[{seen[key]}])"))
        else:
            seen[key] = i
    return problems


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _version_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return getattr(value, "source", None) or str(value)
    return _text(value)


def raw_references(raw: dict) -> Iterator[tuple[str, str, str]]:
    """(path, kind, id) of every reference in the document as written, whether or not its
    item passed the schema; a reference that is itself malformed is left to the schema."""
    def person(path: str, value: Any):
        pid = _text(value)
        if pid and SLUG_RE.match(pid):
            yield path, "person", pid

    for i, t in enumerate(_list(raw.get("teams"))):
        t = _dict(t)
        for field in ("members", "escalation"):
            for j, pid in enumerate(_list(t.get(field))):
                yield from person(f"teams[{i}].{field}[{j}]", pid)
    for i, a in enumerate(_list(raw.get("artifacts"))):
        a, base = _dict(a), f"artifacts[{i}]"
        yield from person(f"{base}.owner", a.get("owner"))
        for j, pid in enumerate(_list(a.get("stewards"))):
            yield from person(f"{base}.stewards[{j}]", pid)
        tid = _text(a.get("team"))
        if tid and SLUG_RE.match(tid):
            yield f"{base}.team", "team", tid
        for j, v in enumerate(_list(a.get("versions"))):
            v = _dict(v)
            yield from person(f"{base}.versions[{j}].commit.author", _dict(v.get("commit")).get("author"))
            for k, d in enumerate(_list(v.get("derived_from"))):
                ref = _text(_dict(d).get("uid"))
                if ref and version_ref_problem(ref) is None:
                    yield f"{base}.versions[{j}].derived_from[{k}]", "version", ref


def raw_declared(raw: dict) -> dict[str, set[str]]:
    """Ids the document declares, including those of items that failed their schema (so
    a reference to them is not also reported as unknown)."""
    out: dict[str, set[str]] = {"person": set(), "team": set(), "version": set()}
    for section, kind in (("people", "person"), ("teams", "team")):
        out[kind].update(filter(None, (_text(_dict(item).get("id")) for item in _list(raw.get(section)))))
    for a in _list(raw.get("artifacts")):
        uid = _text(_dict(a).get("uid"))
        for v in _list(_dict(a).get("versions")) if uid else []:
            version = _version_text(_dict(v).get("version"))
            if version:
                out["version"].add(version_uid(uid, version))
    return out


_LOOKUP = {"person": ("people_by_ids", "ids", "id"), "team": ("teams_by_ids", "ids", "id"),
           "version": ("versions_existing", "uids", "uid")}


def _reference_problems(draft: "Draft", st: State, reader: Reader) -> list[Problem]:
    known = raw_declared(draft.raw)
    known["person"] |= set(st.people)
    known["team"] |= set(st.teams)
    known["version"] |= st.known_versions
    refs = list(raw_references(draft.raw))
    for kind, (query, param, key) in _LOOKUP.items():
        # references of items that failed their schema were not in the state read
        missing = sorted({ident for _, k, ident in refs if k == kind and ident not in known[kind]})
        for chunk in batched(missing, 500):
            known[kind].update(row[key] for row in reader(query, **{param: chunk}))
    return [Problem(path, f"unknown {kind} {ident!r}") for path, kind, ident in refs
            if ident not in known[kind]]


def check_manifest(draft: "Draft", st: State, reader: Reader) -> list[Problem]:
    """Reference, duplicate, provenance and cycle problems of ``draft`` against ``st``."""
    m = draft.manifest
    problems = _reference_problems(draft, st, reader)
    commits: dict[str, tuple[str, dict]] = {}
    for i, a in enumerate(m.artifacts):
        base = draft.path("artifacts", i)
        if a.owner and a.owner in a.stewards:
            problems.append(Problem(f"{base}.stewards", f"{a.owner!r} is already the primary owner"))
        problems += duplicates(enumerate(a.stewards), f"{base}.stewards", "steward")
        problems += duplicates(enumerate(v.version for v in a.versions), f"{base}.versions", "version")
        for j, v in enumerate(a.versions):
            vpath = f"{base}.versions[{j}]"
            vuid = version_uid(a.uid, v.version)
            existing = st.versions.get(vuid)
            if v.commit:
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
    problems += _cycles(draft, st, reader)
    return problems


def _cycles(draft: "Draft", st: State, reader: Reader) -> list[Problem]:
    """Lineage must stay acyclic. Only an existing version that gains an upstream edge
    can close a cycle through stored edges, so only then is the stored closure read."""
    edges: dict[str, set[str]] = {}
    where: dict[tuple[str, str], str] = {}
    for i, a in enumerate(draft.manifest.artifacts):
        for j, v in enumerate(a.versions):
            src = version_uid(a.uid, v.version)
            for k, d in enumerate(v.derived_from):
                edges.setdefault(src, set()).add(d.uid)
                where.setdefault((src, d.uid), f"{draft.path('artifacts', i)}.versions[{j}].derived_from[{k}]")
    if not where:
        return []
    if any(src in st.versions for src, _ in where):
        targets = sorted({t for _, t in where if t in st.known_versions})
        for chunk in batched(targets, 500):
            for row in reader("upstream_edges_of", uids=chunk):
                edges.setdefault(row["source"], set()).add(row["target"])
    if _acyclic(edges):
        return []
    g = nx.DiGraph([(s, t) for s, ts in edges.items() for t in ts])
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


def _acyclic(edges: dict[str, set[str]]) -> bool:
    """True when the edges hold no cycle (Kahn's order: every node can be removed once
    nothing points at it). Plain dicts: a bulk unit has thousands of edges and no cycle,
    and building a graph library's graph for them took 7 % of a load's Python time; the
    graph library only names the cycles when there are some."""
    indegree: dict[str, int] = {}
    for src, targets in edges.items():
        indegree.setdefault(src, 0)
        for t in targets:
            indegree[t] = indegree.get(t, 0) + 1
    ready = [n for n, d in indegree.items() if d == 0]
    removed = 0
    while ready:
        node = ready.pop()
        removed += 1
        for t in edges.get(node, ()):
            indegree[t] -= 1
            if indegree[t] == 0:
                ready.append(t)
    return removed == len(indegree)
