"""The overview of a large lineage graph: one node per (kind, distance) group with counts.

Why: past a few dozen artifacts a drawn lineage graph is a column of boxes a few pixels
apart (issue 13: 297 boxes for the 339 artifacts downstream of a demo dataset). A
responder reads groups at a glance instead: "120 datasets at distance 3, 4 with no
active owner, 7 changed recently", laid out left to right by distance, and opens the
group that matters. The page's script (``app/static/graph_overview.js``) draws the
groups, expands one into its artifacts and collapses it back, highlights the path to
what is selected, and finds an artifact by name.

Why the groups are computed here and not in the browser: the server already holds every
artifact's kind, distance and flags in the service answer, so grouping is one pass over
a list (about 2 ms for 2,000 artifacts); the browser would need the same data first and
then do the same pass in a slower language on the responder's laptop, during page load.
What the browser still does is what depends on the reader's actions and the page width:
placing the columns, merging the edges of collapsed groups, fitting edge labels.

Members are sent compactly (no per-node style, the style table once): for 2,000
artifacts the JSON is about 1 KB per artifact, most of it tooltip text.
"""

from __future__ import annotations

from typing import Callable

from graph_model.services import risk

from . import graphview

#: past this many nodes (the artifact itself included) the pages draw the overview
DEFAULT_THRESHOLD = 40

#: flags that mean nobody active owns the artifact (``risk``: no primary owner, or an inactive one)
OWNER_MISSING = ("no_primary_owner", "owner_inactive")

KIND_ORDER = ["deployment", "model", "evaluation", "metric", "feature_set", "pipeline", "dataset", "other"]


def wants_overview(node_count: int, threshold: int, choice: str | None) -> bool:
    """Whether a graph of ``node_count`` nodes opens as the overview.

    Args:
        choice: the page's ``graph`` parameter: "overview" or "artifacts" force one, None
            decides by ``threshold``.
    """
    if choice is not None:
        return choice == "overview"
    return node_count > threshold


def _member(item: dict, level: int, group: str | None, url: str | None, *, failing: bool = False) -> dict:
    """One artifact as the overview script draws it: identity, place, look and tooltip
    (the label is the uid, with a triangle for a recent change, made by the script)."""
    flags = item.get("flags") or []
    recent = "recent_change" in flags
    return {"id": item["uid"], "level": level,
            "group": group, "url": url, "kind": item.get("kind") or "other", "risk": risk.severity(flags),
            "recent": recent, "failing": failing, "tooltip": graphview.artifact_tooltip(item)}


def overview_graph(centre: dict, items: list[dict], version_edges: list[dict], *,
                   level_of: Callable[[dict], int], place_of: Callable[[dict], str],
                   url_for_uid: Callable[[str], str], centre_level: int, centre_place: str,
                   centre_failing: bool = False, height: int = 560) -> dict:
    """The overview data of a lineage graph around ``centre``.

    Args:
        centre: the artifact the page is about (drawn on its own, never grouped).
        items: the other artifacts, each with ``uid``, ``kind``, ``flags`` and what
            ``level_of``/``place_of`` read (usually ``distance``).
        version_edges: version-level lineage edges (derived -> source), as the services give.
        level_of: an item's column, left to right in the direction data flows.
        height: the canvas (px), lower for a small graph (the overview asked for with
            ``?graph=overview``), which leaves room for the table below it.
        place_of: the words for where a group sits ("distance 3", "used by"), the title
            of its column. centre_place: the title of the centre's column.

    Returns:
        {"overview": True, "centre", "nodes" (every artifact), "groups" (one per kind and
        level, with ``count``, ``no_owner``, ``recent`` and ``members``), "edges"
        (artifact-level, source -> derived, labelled with the relations), "columns" (level
        and title, left to right), "style", ...}.
    """
    groups: dict[tuple[str, int], dict] = {}
    nodes = [_member(centre, centre_level, None, url_for_uid(centre["uid"]), failing=centre_failing)]
    order = sorted(items, key=lambda i: ("recent_change" not in (i.get("flags") or []),
                                         not _owner_missing(i), i["uid"]))
    for item in order:
        kind, level = item.get("kind") or "other", level_of(item)
        g = groups.get((kind, level))
        if g is None:
            g = groups[(kind, level)] = {"id": f"group:{kind}:{level}", "kind": kind, "level": level,
                                         "place": place_of(item), "count": 0, "no_owner": 0, "recent": 0,
                                         "members": []}
        g["count"] += 1
        g["no_owner"] += _owner_missing(item)
        g["recent"] += "recent_change" in (item.get("flags") or [])
        g["members"].append(item["uid"])
        nodes.append(_member(item, level, g["id"], url_for_uid(item["uid"])))
    edges = graphview.artifact_edges(version_edges, {n["id"] for n in nodes})
    ordered = sorted(groups.values(), key=lambda g: (g["level"], _kind_rank(g["kind"])))
    columns = {centre_level: centre_place} | {g["level"]: g["place"] for g in ordered}
    if len(nodes) <= DEFAULT_THRESHOLD:   # asked for on a small graph: even opened, it stays short
        height = min(height, 420)
    return {"overview": True, "centre": centre["uid"], "nodes": nodes, "groups": ordered, "edges": edges,
            "columns": [{"level": lv, "title": t} for lv, t in sorted(columns.items())],
            "total": len(nodes), "height": height, "arrows": True,
            "style": {"kinds": graphview.KIND_COLOURS, "risk": graphview.RISK_BORDERS,
                      "failing": graphview.FAILING, "group": graphview.GROUP_COLOUR}}


def lineage_overview(centre: dict, items: list[dict], version_edges: list[dict], *, upstream: bool,
                     url_for_uid: Callable[[str], str], centre_failing: bool = False) -> dict:
    """The overview of an incident (upstream) or impact (downstream) answer, with the
    same levels as ``graphview.lineage_graph``: data flows left to right. ``version_edges``
    are the answer's ``edges`` (the walk's)."""
    max_d = max([i["distance"] for i in items] + [0])
    level = (lambda d: max_d - d) if upstream else (lambda d: d)
    return overview_graph(centre, items, graphview.as_lineage_edges(version_edges, upstream=upstream), level_of=lambda i: level(i["distance"]),
                          place_of=lambda i: f"distance {i['distance']}", url_for_uid=url_for_uid,
                          centre_level=level(0), centre_place="failing" if centre_failing else "this artifact",
                          centre_failing=centre_failing)


def _owner_missing(item: dict) -> bool:
    return any(f in OWNER_MISSING for f in item.get("flags") or [])


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
