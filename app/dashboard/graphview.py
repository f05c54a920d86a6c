"""Graph data for the pages' vis-network canvases: nodes, edges, styling and the size cap.

Why it is data, not HTML: the page embeds this as JSON (Jinja's ``tojson`` escapes
``<``, ``>`` and ``&``) and a small local script hands it to vis-network, building each
tooltip from text nodes, so nothing a user typed is ever parsed as HTML. A graph never
draws more than ``cap`` nodes: the least important ones are collapsed into one node per
group (kind and distance), and the page says so and lists everything in a table.
"""

from __future__ import annotations

from functools import partial
from typing import Callable

from graph_model.schema import split_version_uid
from graph_model.services import risk
from graph_model.services.person_view import who

DEFAULT_CAP = 300

KIND_COLOURS = {
    "deployment": "#f4a3a8", "model": "#a7c7f2", "evaluation": "#c9b6ef", "metric": "#f6d38b",
    "feature_set": "#9fdcc8", "pipeline": "#d7c3a7", "dataset": "#b8e0a0", "other": "#d5d9de",
}
GROUP_COLOUR = "#eef1f4"
RISK_BORDERS = {"high": ("#c0262d", 4), "medium": ("#d98a00", 3), "none": ("#5f6b7a", 1)}
FAILING = {"background": "#d7263d", "border": "#7a0010"}


def risk_level(flags: list[str]) -> str:
    """Ownership risk for the border: nobody (active) owns it > no deputy > fine (the
    flags' severities, see ``risk.FLAGS``)."""
    return risk.severity(flags)


_who = partial(who, inactive=" (inactive)", none="none")


def artifact_tooltip(item: dict) -> list[str]:
    """Plain-text tooltip lines: owner, stewards, team, last change, flags."""
    lines = [f"{item['uid']}  [{item.get('kind') or 'unknown'}]"]
    if "distance" in item:
        lines.append(f"distance: {item['distance']}")
    lines.append(f"owner: {_who(item.get('owner'))}")
    lines.append("stewards: " + (", ".join(_who(s) for s in item.get("stewards") or []) or "none"))
    team = item.get("team")
    lines.append(f"team: {team['name'] if team else 'none'}")
    last = item.get("last_change")
    if last:
        when = last.get("ago") or last.get("created_at") or ""
        by = f", commit {str(last['commit'])[:10]} by {last.get('author') or '?'}" if last.get("commit") else ""
        lines.append(f"last change: {last.get('version')} {when}{by}")
    if item.get("flags"):
        lines.append("flags: " + ", ".join(f.replace("_", " ") for f in item["flags"]))
    if item.get("description"):
        lines.append(str(item["description"])[:300])
    return lines


def artifact_node(item: dict, level: int, url: str | None, *, failing: bool = False) -> dict:
    """One artifact as a vis-network node (style by kind, border by risk)."""
    flags = item.get("flags") or []
    border, width = RISK_BORDERS[risk_level(flags)]
    background = KIND_COLOURS.get(item.get("kind") or "other", KIND_COLOURS["other"])
    label = item["uid"]
    if "recent_change" in flags:
        label = "\u25b2 " + label   # a triangle marks a recent change (legend on the page)
    node = {"id": item["uid"], "label": label, "level": level, "url": url, "tooltip": artifact_tooltip(item),
            "kind": item.get("kind") or "other", "risk": risk_level(flags),
            "recent": "recent_change" in flags, "failing": failing,
            "color": {"background": background, "border": border,
                      "highlight": {"background": background, "border": "#111"}},
            "borderWidth": width, "font": {"color": "#111"}}
    if "recent_change" in flags:
        node["shapeProperties"] = {"borderDashes": [6, 3]}
    if failing:
        node.update(color={"background": FAILING["background"], "border": FAILING["border"],
                           "highlight": FAILING}, borderWidth=5,
                    font={"color": "#fff", "size": 16}, widthConstraint={"maximum": 420})
    return node


def collapse(nodes: list[dict], edges: list[dict], cap: int,
             group_of: Callable[[dict], tuple[str, str, int]]) -> tuple[list[dict], list[dict], dict | None]:
    """Keep at most ``cap`` nodes: the first ones (callers sort by importance) stay, the
    rest become one node per group. ``group_of(node)`` -> (key, label, level).

    Returns:
        (nodes, edges, info) where info is None when nothing was collapsed, else
        {"shown", "hidden", "groups", "total"}.
    """
    if len(nodes) <= cap:
        return nodes, edges, None
    cap = max(cap, 2)   # the first node (the one the page is about) always stays
    keep = cap - 1
    while keep > 1 and keep + len({group_of(n)[0] for n in nodes[keep:]}) > cap:
        keep -= 1
    if keep + len({group_of(n)[0] for n in nodes[keep:]}) > cap:
        level = group_of(nodes[keep])[2]
        group_of = lambda n: ("more", "more artifacts", level)  # noqa: E731 - too many groups: one
    kept, hidden = nodes[:keep], nodes[keep:]
    mapping = {n["id"]: n["id"] for n in kept}
    members: dict[str, dict] = {}
    for n in hidden:
        key, label, level = group_of(n)
        gid = f"group:{key}"
        mapping[n["id"]] = gid
        g = members.setdefault(gid, {"label": label, "level": level, "ids": []})
        g["ids"].append(n["id"])
    group_nodes = []
    for gid, g in members.items():
        tip = [f"{len(g['ids'])} collapsed: {g['label']}"] + g["ids"][:25]
        if len(g["ids"]) > 25:
            tip.append(f"... and {len(g['ids']) - 25} more (see the table)")
        group_nodes.append({"id": gid, "label": f"+{len(g['ids'])} {g['label']}", "level": g["level"],
                            "url": None, "tooltip": tip, "kind": "group", "shape": "ellipse",
                            "color": {"background": GROUP_COLOUR, "border": "#8a96a3"}, "borderWidth": 1,
                            "shapeProperties": {"borderDashes": [2, 2]}, "font": {"color": "#333"}})
    out_edges: dict[tuple[str, str], dict] = {}
    for e in edges:
        a, b = mapping.get(e["from"], e["from"]), mapping.get(e["to"], e["to"])
        if a == b:
            continue
        edge = out_edges.setdefault((a, b), {"from": a, "to": b, "label": e.get("label", ""), "n": 0})
        edge["n"] += 1
        if edge["n"] > 1 and (a.startswith("group:") or b.startswith("group:")):
            edge["label"] = f"{edge['n']} links"
    info = {"shown": len(kept), "hidden": len(hidden), "groups": len(group_nodes), "total": len(nodes)}
    return kept + group_nodes, [{k: v for k, v in e.items() if k != "n"} for e in out_edges.values()], info


def as_lineage_edges(walk_edges: list[dict], *, upstream: bool) -> list[dict]:
    """A walk's edges as lineage edges (derived -> source): an upstream walk records them
    so, a downstream walk from the version walked from to the one reached (see
    ``cypher/downstream_hop.cypher``), i.e. the other way round."""
    if upstream:
        return walk_edges
    return [dict(e, source=e["target"], target=e["source"]) for e in walk_edges]


def artifact_edges(version_edges: list[dict], keep: set[str]) -> list[dict]:
    """Version-level lineage edges (derived -> source) as artifact-level data-flow edges
    (source -> derived), one per pair, labelled with the relations."""
    pairs: dict[tuple[str, str], set[str]] = {}
    for e in version_edges:
        derived, source = split_version_uid(e["source"])[0], split_version_uid(e["target"])[0]
        if derived == source or derived not in keep or source not in keep:
            continue
        pairs.setdefault((source, derived), set()).add(e.get("relation") or "")
    return [{"from": a, "to": b, "label": ", ".join(sorted(r for r in rel if r))}
            for (a, b), rel in sorted(pairs.items())]


def lineage_graph(centre: dict, items: list[dict], version_edges: list[dict], *, upstream: bool,
                  url_for_uid: Callable[[str], str], cap: int = DEFAULT_CAP,
                  centre_failing: bool = False) -> dict:
    """The graph of an incident (upstream) or impact (downstream) answer; ``version_edges``
    are the answer's ``edges`` (the walk's).

    Levels run left to right in the direction data flows: for an incident the furthest
    source is on the left and the failing artifact on the right; for impact the
    artifact is on the left.
    """
    max_d = max([i["distance"] for i in items] + [0])
    level = (lambda d: max_d - d) if upstream else (lambda d: d)
    ordered = sorted(items, key=lambda i: ("recent_change" not in (i.get("flags") or []), i["distance"], i["uid"]))
    nodes = [artifact_node(dict(centre, distance=0), level(0), url_for_uid(centre["uid"]), failing=centre_failing)]
    nodes += [artifact_node(i, level(i["distance"]), url_for_uid(i["uid"])) for i in ordered]
    edges = artifact_edges(as_lineage_edges(version_edges, upstream=upstream), {n["id"] for n in nodes})
    by_id = {i["uid"]: i for i in items}

    def group_of(n: dict) -> tuple[str, str, int]:
        i = by_id[n["id"]]
        kind, d = i.get("kind") or "other", i["distance"]
        return f"{kind}:{d}", f"{kind} at distance {d}", level(d)

    nodes, edges, info = collapse(nodes, edges, cap, group_of)
    return {"nodes": nodes, "edges": edges, "collapsed": info, "hierarchical": True, "arrows": True,
            "height": canvas_height(nodes)}


def canvas_height(nodes: list[dict]) -> int:
    """A canvas tall enough for the busiest level, so a small graph leaves room for the
    table below it on the first screen (one of the heights the stylesheet knows)."""
    per_level: dict[int, int] = {}
    for n in nodes:
        per_level[n.get("level", 0)] = per_level.get(n.get("level", 0), 0) + 1
    busiest = max(per_level.values(), default=0)
    return 300 if busiest <= 6 else 420 if busiest <= 10 else 560


def fan_positions(hubs: list[str], edges: list[dict], per_row: int = 5, dx: int = 290, dy: int = 250,
                  spread: int = 230) -> dict[str, dict]:
    """Fixed positions for a hubs-and-dependents picture: hubs on a grid of ``per_row``
    columns, each hub's dependents fanned out in a zig-zag row under it (a dependent of
    several hubs sits under the first). Deterministic, so the picture does not move."""
    pos: dict[str, dict] = {}
    placed: set[str] = set(hubs)
    for i, hub in enumerate(hubs):
        hx, hy = (i % per_row) * dx, (i // per_row) * dy
        pos[hub] = {"x": hx, "y": hy}
        mine = [e["to"] for e in edges if e["from"] == hub and e["to"] not in placed]
        placed.update(mine)
        for j, dep in enumerate(mine):
            frac = j / (len(mine) - 1) if len(mine) > 1 else 0.5
            pos[dep] = {"x": hx - spread / 2 + spread * frac, "y": hy + 80 + (j % 2) * 36}
    return pos
