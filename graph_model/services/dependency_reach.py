"""How much depends on each artifact: transitive downstream reach and centrality.

Why in process and not in Cypher: "how many artifacts depend on X, transitively" for
every X is a transitive closure, which neither engine computes for 100k artifacts in
seconds (a variable-length match per artifact is quadratic). Here the artifact-level
dependency graph (lineage lifted from versions to artifacts) is loaded once and the
counts for all artifacts come from one pass over it.

The pass: condense strongly connected components (artifact-level lineage can loop even
though version lineage cannot: A@1 -> B@1 -> A@2), order the components topologically,
and give each artifact a bit position in that order. A component's reach is a bitset
(a Python int) relative to its own position, built from its children's in one OR each,
children first. Positions come from a depth-first order, so a component's descendants
sit close after it and most bitsets stay short; a bitset is dropped once every parent
has used it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping

import networkx as nx

# how much one dependent artifact of each kind weighs in the reach weight
KIND_WEIGHTS: dict[str, float] = {"deployment": 3.0, "model": 2.0}
DEFAULT_WEIGHT = 1.0


def kind_weight(kind: str | None) -> float:
    """The weight of one artifact of ``kind`` (deployments 3, models 2, the rest 1)."""
    return KIND_WEIGHTS.get(kind or "", DEFAULT_WEIGHT)


@dataclass(frozen=True)
class Reach:
    """What depends on one artifact, transitively.

    Attributes:
        total: artifacts that depend on it (not counting itself).
        deployments: how many of those are deployments.
        models: how many of those are models.
        weight: its own kind weight plus the kind weights of everything in ``total``.
    """

    total: int
    deployments: int
    models: int
    weight: float

    @property
    def others(self) -> int:
        return self.total - self.deployments - self.models


def dependency_graph(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> nx.DiGraph:
    """The artifact-level graph with edges pointing downstream (upstream -> dependent).

    Nodes and edges are inserted in sorted order so that every float computed over the
    graph (PageRank) is the same whatever order the store returned rows in.

    Args:
        nodes: every artifact uid (artifacts without lineage too).
        edges: ``(downstream, upstream)`` pairs, as lineage records them.
    """
    g = nx.DiGraph()
    g.add_nodes_from(sorted(set(nodes)))
    g.add_edges_from(sorted({(up, down) for down, up in edges if up != down}))
    return g


def downstream_reach(graph: nx.DiGraph, kinds: Mapping[str, str]) -> dict[str, Reach]:
    """Transitive downstream reach of every node of ``graph``.

    Args:
        graph: from ``dependency_graph`` (edges point downstream).
        kinds: artifact uid -> kind (missing kinds weigh 1).

    Returns:
        uid -> Reach, for every node.
    """
    cond, members = _components(graph)
    postorder = _postorder_from_sources(cond)               # children before parents
    pos: dict = {}
    deploy_mask = model_mask = 0
    at = 0
    for c in reversed(postorder):                           # a topological order
        pos[c] = at
        for uid in members[c]:
            kind = kinds.get(uid)
            if kind == "deployment":
                deploy_mask |= 1 << at
            elif kind == "model":
                model_mask |= 1 << at
            at += 1
    parents_left = {c: cond.in_degree(c) for c in cond}
    bits: dict = {}
    out: dict[str, Reach] = {}
    for c in postorder:
        reach = 0
        for child in cond.successors(c):
            offset = pos[child] - pos[c]
            reach |= (bits[child] | ((1 << len(members[child])) - 1)) << offset
            parents_left[child] -= 1
            if parents_left[child] == 0:
                del bits[child]
        bits[c] = reach
        _record(out, members[c], reach, pos[c], deploy_mask, model_mask, kinds)
        if parents_left[c] == 0:
            del bits[c]
    return out


def _postorder_from_sources(graph: nx.DiGraph) -> list:
    """Depth-first postorder of a graph without cycles, started only from its sources.

    Starting from sources (not from every node in turn) keeps what a source feeds
    together in the order, so reach bitsets, which span from a node to its farthest
    dependent, stay shorter.
    """
    succ = graph.succ
    seen: set = set()
    out: list = []
    for root in graph:
        if root in seen or graph.in_degree(root):
            continue
        seen.add(root)
        stack = [(root, iter(succ[root]))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if child not in seen:
                    seen.add(child)
                    stack.append((child, iter(succ[child])))
                    break
            else:
                stack.pop()
                out.append(node)
    return out


def _components(graph: nx.DiGraph) -> tuple[nx.DiGraph, dict]:
    """The graph of strongly connected components and each one's members; a graph
    without cycles (the usual case) is its own, which saves building a copy."""
    if nx.is_directed_acyclic_graph(graph):
        return graph, {uid: [uid] for uid in graph}
    cond = nx.condensation(graph)
    return cond, {c: sorted(cond.nodes[c]["members"]) for c in cond}


def _record(out: dict[str, Reach], members: list[str], reach: int, base: int,
            deploy_mask: int, model_mask: int, kinds: Mapping[str, str]) -> None:
    """Turn a component's reach bitset into per-member counts (a member's own component
    siblings depend on it too, itself excepted)."""
    span = (1 << len(members)) - 1
    full = reach | span
    if full == 1:
        deployments = models = total = 0
    else:
        total = full.bit_count()
        deployments = (full & (deploy_mask >> base)).bit_count()
        models = (full & (model_mask >> base)).bit_count()
    for uid in members:
        kind = kinds.get(uid)
        own_d = 1 if kind == "deployment" else 0
        own_m = 1 if kind == "model" else 0
        n, d, m = max(total - 1, 0), max(deployments - own_d, 0), max(models - own_m, 0)
        weight = kind_weight(kind) + KIND_WEIGHTS["deployment"] * d + KIND_WEIGHTS["model"] * m \
            + DEFAULT_WEIGHT * (n - d - m)
        out[uid] = Reach(n, d, m, weight)


def centrality(graph: nx.DiGraph) -> dict[str, float]:
    """PageRank on the reversed graph, scaled so the mean over all artifacts is 1.

    Reversed, rank flows from dependents to what they depend on, so an artifact that
    important things depend on (a dataset under a model under five deployments) ranks
    above one with the same count of unimportant dependents.
    """
    n = graph.number_of_nodes()
    if n == 0:
        return {}
    if graph.number_of_edges() == 0:
        return {uid: 1.0 for uid in graph}
    ranks = nx.pagerank(graph.reverse(copy=False), alpha=0.85, tol=1e-10, max_iter=200)
    return {uid: r * n for uid, r in ranks.items()}


def centrality_factor(c: float) -> float:
    """``1 + ln(1 + c)``: centrality scales impact, but logarithmically (it would
    otherwise count the same dependents a second time, linearly)."""
    return 1.0 + math.log1p(max(c, 0.0))
