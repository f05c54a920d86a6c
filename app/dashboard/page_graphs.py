"""The graphs of the artifact and hotspot pages, built from service answers.

Why apart from the views: the views only fetch and render; how a card's neighbours or
the top hotspots become nodes, levels and positions is layout, kept pure here and
sharing the node style of ``graphview``.
"""

from __future__ import annotations

from typing import Callable

from . import graph_overview, graphview


def summary_item(uid: str, s: dict | None) -> dict:
    """An ``artifact_summaries`` row (or nothing) as the item ``artifact_node`` draws."""
    s = s or {}
    owner = ({"id": s["owner"], "name": s.get("owner_name"), "active": s.get("owner_active") is not False}
             if s.get("owner") else None)
    return {"uid": uid, "kind": s.get("kind"), "owner": owner, "stewards": [], "flags": [],
            "team": {"id": s["team"], "name": s.get("team_name")} if s.get("team") else None}


def neighbour_graph(card: dict, detail: dict, summaries: dict[str, dict], url_for_uid: Callable[[str], str],
                    cap: int = graphview.DEFAULT_CAP) -> dict:
    """Lineage one hop both ways around a version: parents on the left, the artifact in
    the middle, what was derived from it on the right."""
    centre = {"uid": card["uid"], "kind": card["kind"], "owner": card["owner"], "stewards": card["stewards"],
              "team": card["team"], "flags": []}
    items: dict[str, dict] = {}
    edges = []
    for rows, upstream in ((detail["parents"], True), (detail["children"], False)):
        for r in rows:
            if r["artifact"] != card["uid"]:
                items.setdefault(r["artifact"], summary_item(r["artifact"], summaries.get(r["artifact"]))
                                 | {"distance": 1, "side": -1 if upstream else 1})
            edges.append({"source": detail["uid"], "target": r["uid"], "relation": r["relation"]} if upstream
                         else {"source": r["uid"], "target": detail["uid"], "relation": r["relation"]})
    graph = graphview.lineage_graph(centre, list(items.values()), edges, upstream=True,
                                    url_for_uid=url_for_uid, cap=cap)
    for n in graph["nodes"]:
        n["level"] = 1 + items.get(n["id"], {}).get("side", 0)
    return graph


def hotspot_graph(rows: list[dict], deps: dict, url_for_uid: Callable[[str], str],
                  cap: int = graphview.DEFAULT_CAP) -> dict | None:
    """The top hotspots (boxes, red border, numbered as in the table) as hubs, with what
    is derived directly from them as small dots fanned out under each, at fixed positions.

    Args:
        rows: hotspot rows, best first. deps: ``overview.dependents_of`` for their uids.
    """
    if not rows:
        return None
    top = {r["uid"] for r in rows}
    nodes = []
    for rank, r in enumerate(rows, 1):
        item = {"uid": r["uid"], "kind": r["kind"], "flags": ["no_primary_owner"] if not r["owner"] else [],
                "owner": {"id": r["owner"], "name": None} if r["owner"] else None,
                "stewards": [{"id": s, "name": None} for s in r["stewards"]],
                "team": {"id": r["team"], "name": r["team"]} if r["team"] else None,
                "description": f"score {r['score']}: {r['explanation']}"}
        node = graphview.artifact_node(item, 0, url_for_uid(r["uid"]))
        node["color"]["border"], node["borderWidth"] = graphview.RISK_BORDERS["high"]
        node.update(label=f"#{rank} {node['label']}", font={"size": 14, "color": "#111"},
                    widthConstraint={"maximum": 270})
        nodes.append(node)
    for uid in sorted({e["dependent"] for e in deps["edges"]} - top):
        node = graphview.artifact_node(summary_item(uid, deps["artifacts"].get(uid)), 1, url_for_uid(uid))
        node.update(shape="dot", size=8, label="", borderWidth=1)
        nodes.append(node)
    edges = [{"from": e["source"], "to": e["dependent"], "label": ""} for e in deps["edges"]]
    nodes, edges, info = graphview.collapse(nodes, edges, cap, lambda n: (n["kind"], f"{n['kind']} dependents", 1))
    pos = graphview.fan_positions([r["uid"] for r in rows], edges)
    for n in nodes:
        n.update(pos.get(n["id"], {"x": 0, "y": -120}))
    return {"nodes": nodes, "edges": edges, "collapsed": info, "hierarchical": False, "arrows": True,
            "positioned": True}


def neighbour_versions(card: dict, detail: dict) -> dict[str, list[str]]:
    """Each neighbour artifact of the version (parents and children, not the artifact
    itself) -> its versions next to it."""
    out: dict[str, list[str]] = {}
    for r in detail["parents"] + detail["children"]:
        if r["artifact"] != card["uid"]:
            out.setdefault(r["artifact"], []).append(r["uid"])
    return out


def neighbour_overview(card: dict, detail: dict, summaries: dict[str, dict], flags: dict[str, list[str]],
                       url_for_uid: Callable[[str], str]) -> dict:
    """The overview (``graph_overview``) of a version's neighbours: groups of parents by
    kind on the left, the artifact in the middle, groups of what uses it on the right."""
    centre = {"uid": card["uid"], "kind": card["kind"], "owner": card["owner"], "stewards": card["stewards"],
              "team": card["team"], "flags": []}
    parents = {r["artifact"] for r in detail["parents"]}
    items = [summary_item(uid, summaries.get(uid)) | {"flags": flags.get(uid, []), "side": -1 if uid in parents else 1}
             for uid in neighbour_versions(card, detail)]
    edges = ([{"source": detail["uid"], "target": r["uid"], "relation": r["relation"]} for r in detail["parents"]]
             + [{"source": r["uid"], "target": detail["uid"], "relation": r["relation"]} for r in detail["children"]])
    return graph_overview.overview_graph(
        centre, items, edges, level_of=lambda i: 1 + i["side"],
        place_of=lambda i: "derived from" if i["side"] < 0 else "used by", url_for_uid=url_for_uid,
        centre_level=1, centre_place="this artifact", height=420)
