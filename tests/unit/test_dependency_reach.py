"""Downstream reach and centrality against networkx's own answers (pure logic)."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph_model.services import dependency_reach as dr

KINDS = ("model", "deployment", "dataset", "metric")


def _random_case(seed: int, cyclic: bool):
    rng = random.Random(seed)
    n = rng.randint(1, 70)
    nodes = [f"n/{i}" for i in range(n)]
    kinds = {u: rng.choice(KINDS) for u in nodes}
    if cyclic:
        edges = [(rng.choice(nodes), rng.choice(nodes)) for _ in range(rng.randint(0, 2 * n))]
    else:  # downstream = a later node, upstream = an earlier one
        edges = [(nodes[i], nodes[rng.randrange(i)]) for i in range(1, n) for _ in range(rng.randint(0, 3))]
    return nodes, kinds, edges


@pytest.mark.parametrize("seed", range(40))
def test_reach_equals_descendants(seed):
    nodes, kinds, edges = _random_case(seed, cyclic=seed % 2 == 1)
    g = dr.dependency_graph(nodes, edges)
    reach = dr.downstream_reach(g, kinds)
    for u in nodes:
        d = nx.descendants(g, u)
        deployments = sum(kinds[x] == "deployment" for x in d)
        models = sum(kinds[x] == "model" for x in d)
        assert (reach[u].total, reach[u].deployments, reach[u].models) == (len(d), deployments, models)
        assert reach[u].weight == dr.kind_weight(kinds[u]) + 3 * deployments + 2 * models \
            + (len(d) - deployments - models)


def test_edges_point_downstream_and_self_loops_are_ignored():
    g = dr.dependency_graph(["a/up", "a/down"], [("a/down", "a/up"), ("a/up", "a/up")])
    assert list(g.edges) == [("a/up", "a/down")]
    r = dr.downstream_reach(g, {"a/up": "dataset", "a/down": "deployment"})
    assert r["a/up"] == dr.Reach(1, 1, 0, 4.0) and r["a/down"] == dr.Reach(0, 0, 0, 3.0)


def test_a_loop_of_artifacts_reaches_itself_round():
    # x@1 -> y@1 -> x@2 lifted to artifacts is a loop: each depends on the other
    g = dr.dependency_graph(["x/a", "x/b", "x/c"], [("x/b", "x/a"), ("x/a", "x/b"), ("x/c", "x/b")])
    r = dr.downstream_reach(g, {})
    assert (r["x/a"].total, r["x/b"].total, r["x/c"].total) == (2, 2, 0)


def test_centrality_favours_what_is_depended_on():
    g = dr.dependency_graph(["c/root", "c/mid", "c/leaf", "c/alone"],
                            [("c/mid", "c/root"), ("c/leaf", "c/mid")])
    c = dr.centrality(g)
    assert c["c/root"] > c["c/mid"] > c["c/leaf"]
    assert sum(c.values()) / len(c) == pytest.approx(1.0)
    assert dr.centrality(nx.DiGraph()) == {}
    assert dr.centrality_factor(0) == 1.0 and dr.centrality_factor(10) > dr.centrality_factor(1)
