"""Turns a console result's nodes, relationships and paths into graph data to draw.

The stores hand back nodes and relationships as plain dicts without engine ids (ids are
never identity here), so a node is known by its labels and natural key, and a
relationship is drawn between the nodes it sits between: consecutive nodes of a path,
or the node values either side of it in a row (``RETURN a, r, b``). Direction is not
known from that, so console edges carry no arrow.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from .graphview import DEFAULT_CAP, GROUP_COLOUR, KIND_COLOURS, collapse

KEYS = ("uid", "id", "sha", "seq")
LABEL_COLOURS = {"Person": "#ffd9a8", "Team": "#f7c6d9", "Version": "#dfe7f1", "Commit": "#e4e4e4",
                 "Run": "#e4e4e4", "AuditEvent": "#f1ecd6"}


def node_key(node: dict) -> str:
    props = node.get("properties") or {}
    labels = ":".join(node.get("labels") or [])
    for k in KEYS:
        if props.get(k) is not None:
            return f"{labels}|{props[k]}"
    return f"{labels}|{json.dumps(props, sort_keys=True, default=str)}"


def _label(node: dict) -> str:
    props = node.get("properties") or {}
    labels = node.get("labels") or []
    if "Person" in labels or "Team" in labels:
        return str(props.get("name") or props.get("id") or "?")
    if "Commit" in labels:
        return str(props.get("sha") or "?")[:10]
    if "AuditEvent" in labels:
        return f"#{props.get('seq')} {props.get('action') or ''}"
    for k in KEYS + ("name",):
        if props.get(k) is not None:
            return str(props[k])
    return ":".join(labels) or "node"


def _tooltip(node: dict) -> list[str]:
    lines = [":".join(node.get("labels") or []) or "node"]
    for k, v in sorted((node.get("properties") or {}).items()):
        text = v if isinstance(v, str) else json.dumps(v, default=str)
        lines.append(f"{k}: {text[:200]}")
    return lines[:30]


def _url(node: dict, urls: dict[str, Callable[[str], str]]) -> str | None:
    props = node.get("properties") or {}
    labels = node.get("labels") or []
    if "Artifact" in labels and props.get("uid"):
        return urls["artifact"](props["uid"])
    if "Version" in labels and props.get("artifact_uid"):
        return urls["artifact"](props["artifact_uid"])
    if "Person" in labels and props.get("id"):
        return urls["person"](props["id"])
    if "Team" in labels and props.get("id"):
        return urls["team"](props["id"])
    return None


class _Builder:
    def __init__(self, urls: dict[str, Callable[[str], str]]):
        self.urls = urls
        self.nodes: dict[str, dict] = {}
        self.edges: dict[tuple[str, str, str], dict] = {}

    def node(self, n: dict) -> str:
        key = node_key(n)
        if key not in self.nodes:
            labels = n.get("labels") or []
            kind = (n.get("properties") or {}).get("kind")
            colour = KIND_COLOURS.get(kind) if "Artifact" in labels else None
            colour = colour or next((LABEL_COLOURS[x] for x in labels if x in LABEL_COLOURS), GROUP_COLOUR)
            self.nodes[key] = {"id": key, "label": _label(n), "tooltip": _tooltip(n), "url": _url(n, self.urls),
                               "kind": labels[0] if labels else "node",
                               "color": {"background": colour, "border": "#5f6b7a"}, "borderWidth": 1}
        return key

    def edge(self, a: str, b: str, rel: dict) -> None:
        key = (min(a, b), max(a, b), rel.get("type") or "")
        self.edges.setdefault(key, {"from": a, "to": b, "label": rel.get("type") or ""})

    def path(self, p: dict) -> None:
        keys = [self.node(n) for n in p.get("nodes") or []]
        for i, rel in enumerate(p.get("relationships") or []):
            if i + 1 < len(keys):
                self.edge(keys[i], keys[i + 1], rel)

    def values(self, values: list[Any]) -> None:
        """One row (or list): nodes, paths, nested lists; a relationship joins the node
        values either side of it."""
        flat = list(values)
        for i, v in enumerate(flat):
            if isinstance(v, list):
                self.values(v)
            elif isinstance(v, dict) and v.get("_type") == "node":
                self.node(v)
            elif isinstance(v, dict) and v.get("_type") == "path":
                self.path(v)
            elif isinstance(v, dict) and v.get("_type") == "relationship":
                before = next((flat[j] for j in range(i - 1, -1, -1) if _is_node(flat[j])), None)
                after = next((flat[j] for j in range(i + 1, len(flat)) if _is_node(flat[j])), None)
                if before is not None and after is not None:
                    self.edge(self.node(before), self.node(after), v)


def _is_node(v: Any) -> bool:
    return isinstance(v, dict) and v.get("_type") == "node"


def graph_of(rows: list[list[Any]], urls: dict[str, Callable[[str], str]], cap: int = DEFAULT_CAP) -> dict | None:
    """Graph data for a console result, or None when no node came back."""
    b = _Builder(urls)
    for row in rows:
        b.values(row)
    if not b.nodes:
        return None
    nodes = list(b.nodes.values())
    nodes, edges, info = collapse(nodes, list(b.edges.values()), cap,
                                  lambda n: (n["kind"], f"{n['kind']} nodes", 0))
    return {"nodes": nodes, "edges": edges, "collapsed": info, "hierarchical": False, "arrows": False}
