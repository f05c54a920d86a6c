"""Pure pieces of the dashboard: graph cap and collapse, console graphs, Markdown escaping,
example parsing."""

from __future__ import annotations

from app.dashboard.console_graph import graph_of
from app.dashboard.graphview import artifact_node, collapse, lineage_graph, risk_level
from app.dashboard.incident_markdown import incident_markdown, md
from graph_model.services.console import parse_example

URLS = {"artifact": lambda u: "/artifact/" + u, "person": lambda p: "/person/" + p, "team": lambda t: "/team/" + t}


def item(uid, distance, kind="dataset", flags=()):
    return {"uid": uid, "kind": kind, "distance": distance, "owner": None, "stewards": [], "team": None,
            "flags": list(flags)}


def test_small_graph_is_drawn_whole():
    centre = item("deploy/d", 0, "deployment")
    items = [item("models/m", 1, "model"), item("raw/r", 2)]
    edges = [{"source": "deploy/d@1", "target": "models/m@1", "relation": "deployed_from"},
             {"source": "models/m@1", "target": "raw/r@1", "relation": "trained_on"},
             {"source": "models/m@2", "target": "models/m@1", "relation": "input"}]   # same artifact: no loop
    g = lineage_graph(centre, items, edges, upstream=True, url_for_uid=URLS["artifact"], centre_failing=True)
    assert g["collapsed"] is None
    assert [n["id"] for n in g["nodes"]] == ["deploy/d", "models/m", "raw/r"]
    assert {(e["from"], e["to"], e["label"]) for e in g["edges"]} == {
        ("models/m", "deploy/d", "deployed_from"), ("raw/r", "models/m", "trained_on")}
    levels = {n["id"]: n["level"] for n in g["nodes"]}
    assert levels["raw/r"] < levels["models/m"] < levels["deploy/d"]   # data flows left to right
    assert g["nodes"][0]["failing"] is True


def test_large_graph_never_exceeds_the_cap_and_says_so():
    centre = item("deploy/d", 0, "deployment")
    items = [item(f"raw/r{i:04d}", 1 + i % 5, ["dataset", "model", "metric"][i % 3]) for i in range(1000)]
    edges = [{"source": "deploy/d@1", "target": f"raw/r{i:04d}@1", "relation": "input"} for i in range(1000)]
    g = lineage_graph(centre, items, edges, upstream=True, url_for_uid=URLS["artifact"], cap=300)
    assert len(g["nodes"]) <= 300
    info = g["collapsed"]
    assert info["total"] == 1001 and info["shown"] + info["hidden"] == 1001
    assert g["nodes"][0]["id"] == "deploy/d"
    ids = {n["id"] for n in g["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in g["edges"])
    groups = [n for n in g["nodes"] if n["id"].startswith("group:")]
    assert sum(int(n["label"].split()[0][1:]) for n in groups) == info["hidden"]


def test_collapse_keeps_the_first_nodes_and_groups_the_rest():
    nodes = [{"id": "c"}] + [{"id": f"n{i}"} for i in range(10)]
    kept, _, info = collapse(nodes, [], 4, lambda n: ("g", "group", 1))
    assert [n["id"] for n in kept] == ["c", "n0", "n1", "group:g"] and info["hidden"] == 8


def test_collapse_with_a_tiny_cap_keeps_the_centre():
    nodes = [{"id": "c"}] + [{"id": f"n{i}"} for i in range(10)]
    kept, _, _ = collapse(nodes, [], 1, lambda n: (n["id"], n["id"], 1))
    assert kept[0]["id"] == "c" and len(kept) == 2


def test_tooltips_and_labels_are_plain_text():
    evil = "<img src=x onerror=alert(1)>"
    node = artifact_node({"uid": "evil/" + evil, "kind": "dataset", "description": evil,
                          "owner": {"id": "m", "name": evil, "active": False}, "stewards": [], "team": None,
                          "flags": ["owner_inactive", "recent_change"]}, 0, "/artifact/x")
    assert node["tooltip"][0].startswith("evil/" + evil)
    assert f"owner: {evil} (inactive)" in node["tooltip"]
    assert node["label"].endswith(evil) and node["recent"] is True and node["risk"] == "high"
    assert risk_level(["no_steward"]) == "medium" and risk_level([]) == "none"


def test_console_graph_from_rows_and_paths():
    a = {"_type": "node", "labels": ["Artifact"], "properties": {"uid": "models/m", "kind": "model"}}
    p = {"_type": "node", "labels": ["Person"], "properties": {"id": "ana", "name": "Ana"}}
    r = {"_type": "relationship", "type": "OWNS", "properties": {"role": "primary"}}
    v1 = {"_type": "node", "labels": ["Version"], "properties": {"uid": "models/m@1", "artifact_uid": "models/m"}}
    v0 = {"_type": "node", "labels": ["Version"], "properties": {"uid": "raw/r@1", "artifact_uid": "raw/r"}}
    path = {"_type": "path", "nodes": [v1, v0],
            "relationships": [{"_type": "relationship", "type": "DERIVED_FROM", "properties": {}}]}
    g = graph_of([[p, r, a], [p, None, None], [path], [[a, 1]]], URLS)
    by_label = {n["label"]: n for n in g["nodes"]}
    assert set(by_label) == {"Ana", "models/m", "models/m@1", "raw/r@1"}
    assert by_label["Ana"]["url"] == "/person/ana" and by_label["models/m@1"]["url"] == "/artifact/models/m"
    assert sorted(e["label"] for e in g["edges"]) == ["DERIVED_FROM", "OWNS"]
    assert g["arrows"] is False
    assert graph_of([[1, "x"]], URLS) is None


def test_markdown_escapes_user_text():
    assert md("a*b_[c](d)<e>") == r"a\*b\_\[c\]\(d\)\<e\>"
    answer = {"artifact": {"uid": "deploy/x", "kind": "deployment", "version": "deploy/x@1",
                           "links": {"runbook": "https://r.example.com/x"}},
              "at": "2026-11-20T12:00:00Z", "truncated": True, "truncated_reason": "depth limit 1 reached",
              "page": [{"order": 1, "person": {"id": "a", "name": "[Ann](http://evil)", "email": "a@x.com"},
                        "reasons": ["primary owner of deploy/x"]}],
              "upstream": [{"uid": "models/m", "distance": 1, "flags": ["recent_change"],
                            "recent_change": {"version": "models/m@2", "ago": "1 day before",
                                              "kind": "recent_change",
                                              "what": 'max_depth 6 -> 8; commit: "[x](y)" by bo'}},
                           {"uid": "raw/r", "distance": 2, "flags": ["data_refresh"],
                            "recent_change": {"version": "raw/r@2026-11-19", "ago": "20 hours before",
                                              "kind": "data_refresh", "what": "new snapshot, nothing else differs"}}],
              "notes": ["note"]}
    text = incident_markdown(answer, "http://host/incident/deploy/x")
    assert "1. \\[Ann\\]\\(http://evil\\) (a@x\\.com): primary owner of deploy/x" in text
    assert "Runbook: <https://r.example.com/x>" in text and "**Warning: incomplete**" in text
    assert ('- models/m (distance 1), changed 1 day before: max\\_depth 6 \\-\\> 8; commit: "\\[x\\]\\(y\\)" by bo'
            in text)
    refreshes = text[text.index("**Data refreshes**"):]
    assert "- raw/r (distance 2), data refreshed 20 hours before: new snapshot, nothing else differs" in \
        refreshes.replace("\\", "")


def test_example_header_parsing():
    e = parse_example("x_y", "// title: T\n// what it does\n// params: {\"a\": 1}\nMATCH (n)\n// inner\nRETURN n")
    assert (e.title, e.description, e.params) == ("T", "what it does", {"a": 1})
    assert e.query == "MATCH (n)\n// inner\nRETURN n"


def test_neighbour_graph_puts_parents_left_and_children_right():
    from app.dashboard.page_graphs import neighbour_graph
    card = {"uid": "models/m", "kind": "model", "owner": None, "stewards": [], "team": None}
    detail = {"uid": "models/m@2",
              "parents": [{"uid": "raw/r@1", "artifact": "raw/r", "relation": "trained_on"},
                          {"uid": "models/m@1", "artifact": "models/m", "relation": "fine_tuned_from"}],
              "children": [{"uid": "deploy/d@1", "artifact": "deploy/d", "relation": "deployed_from"}]}
    g = neighbour_graph(card, detail, {"raw/r": {"uid": "raw/r", "kind": "dataset", "owner": "ana"}}, URLS["artifact"])
    levels = {n["id"]: n["level"] for n in g["nodes"]}
    assert levels == {"raw/r": 0, "models/m": 1, "deploy/d": 2}
    assert {(e["from"], e["to"]) for e in g["edges"]} == {("raw/r", "models/m"), ("models/m", "deploy/d")}
    assert next(n for n in g["nodes"] if n["id"] == "raw/r")["tooltip"][1] == "distance: 1"


def test_hotspot_graph_numbers_hubs_and_fans_out_dependents():
    from app.dashboard.page_graphs import hotspot_graph
    rows = [{"uid": f"raw/h{i}", "kind": "dataset", "owner": None if i == 0 else "p", "stewards": [],
             "team": None, "score": 10 - i, "explanation": "why"} for i in range(3)]
    deps = {"edges": [{"source": "raw/h0", "dependent": f"models/m{j}"} for j in range(4)]
            + [{"source": "raw/h1", "dependent": "models/m0"}],
            "artifacts": {f"models/m{j}": {"uid": f"models/m{j}", "kind": "model"} for j in range(4)}}
    g = hotspot_graph(rows, deps, URLS["artifact"])
    hubs = [n for n in g["nodes"] if n["id"].startswith("raw/")]
    assert [n["label"] for n in hubs] == ["#1 raw/h0", "#2 raw/h1", "#3 raw/h2"]
    dots = [n for n in g["nodes"] if n["id"].startswith("models/")]
    assert len(dots) == 4 and all(n["shape"] == "dot" and n["label"] == "" for n in dots)
    assert all("x" in n and "y" in n for n in g["nodes"]) and g["positioned"] is True
    assert hotspot_graph([], {"edges": [], "artifacts": {}}, URLS["artifact"]) is None
