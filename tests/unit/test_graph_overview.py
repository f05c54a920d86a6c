"""The graph overview's groups (pure): counts per (kind, distance), order, columns, the
threshold, and lineage edges pointing the way data flows on both kinds of page."""

from __future__ import annotations

import random

from app.dashboard.graph_overview import lineage_overview, wants_overview
from app.dashboard.graphview import lineage_graph

URL = lambda u: "/artifact/" + u  # noqa: E731


def item(uid, distance, kind, flags=()):
    return {"uid": uid, "kind": kind, "distance": distance, "owner": None, "stewards": [], "team": None,
            "flags": list(flags)}


def test_groups_count_members_owners_missing_and_recent_changes():
    rng = random.Random(3)
    kinds = ["dataset", "model", "metric"]
    flag_sets = [(), ("no_primary_owner",), ("owner_inactive", "recent_change"), ("recent_change", "no_steward")]
    items = [item(f"a/{i:03d}", 1 + rng.randrange(4), rng.choice(kinds), rng.choice(flag_sets)) for i in range(200)]
    g = lineage_overview(item("deploy/d", 0, "deployment"), items, [], upstream=True, url_for_uid=URL,
                         centre_failing=True)
    want: dict = {}
    for i in items:
        w = want.setdefault((i["kind"], i["distance"]), [0, 0, 0])
        w[0] += 1
        w[1] += bool({"no_primary_owner", "owner_inactive"} & set(i["flags"]))
        w[2] += "recent_change" in i["flags"]
    got = {(grp["kind"], int(grp["place"].split()[1])): [grp["count"], grp["no_owner"], grp["recent"]]
           for grp in g["groups"]}
    assert got == want
    assert len(g["nodes"]) == 201 and g["nodes"][0]["failing"] and g["nodes"][0]["group"] is None
    # within a group, recent changes first, then those nobody owns, then by uid
    for grp in g["groups"]:
        members = [next(i for i in items if i["uid"] == u) for u in grp["members"]]
        keys = [("recent_change" not in m["flags"], not ({"no_primary_owner", "owner_inactive"} & set(m["flags"])),
                 m["uid"]) for m in members]
        assert keys == sorted(keys)
    # upstream: the furthest distance is the leftmost column, the failing artifact the rightmost
    assert [c["title"] for c in g["columns"]] == ["distance 4", "distance 3", "distance 2", "distance 1", "failing"]


def test_threshold_and_the_pages_choice():
    assert not wants_overview(40, 40, None) and wants_overview(41, 40, None)
    assert wants_overview(3, 40, "overview") and not wants_overview(500, 40, "artifacts")


def test_impact_edges_point_downstream_in_both_graphs():
    # a downstream walk records (version walked from) -> (version reached)
    walk_edges = [{"source": "raw/r@1", "target": "models/m@1", "relation": "trained_on"},
                  {"source": "models/m@1", "target": "deploy/d@1", "relation": "deployed_from"}]
    items = [item("models/m", 1, "model"), item("deploy/d", 2, "deployment")]
    for g in (lineage_graph(item("raw/r", 0, "dataset"), items, walk_edges, upstream=False, url_for_uid=URL),
              lineage_overview(item("raw/r", 0, "dataset"), items, walk_edges, upstream=False, url_for_uid=URL)):
        assert {(e["from"], e["to"], e["label"]) for e in g["edges"]} == {
            ("raw/r", "models/m", "trained_on"), ("models/m", "deploy/d", "deployed_from")}
