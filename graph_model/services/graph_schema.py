"""What the graph holds, read from the store: labels, relationship types and property
keys, each with a count (the console's schema panel and its editor's completion list).

Why the store and not the code's schema: the panel answers "what can I match on in
this graph, and how much of it is there", which only the data knows (a label the demo
never fills, such as ``Handoff``, is absent until someone opens a handoff). The code's
schema is documented on the Graph model page (``graph_doc``), which says what each name
means; the two meet in the completion list, which offers what the store holds.

The four reads scan every node and relationship once each. Measured on the demo
organisation of 2,000 artifacts (32k nodes, 37k relationships; median of 3): 0.31 s on
the embedded FalkorDB, 0.38 s on Neo4j (300 artifacts: 0.05 s and 0.40 s); so the answer
is kept per store: reused for ``MIN_AGE_S`` whatever is written, then while the audit
head is unchanged (every change through the write path moves it) up to ``MAX_AGE_S``.
Counts may therefore lag writes by a minute; session and token bookkeeping, which is
not audited, by up to ``MAX_AGE_S``.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass

from ..store.base import GraphStore

MAX_AGE_S = 300.0
#: the least time between two reads, however often the head moves: at 100k artifacts
#: (3.4M nodes and relationships) the four scans would take about 15 s (scaled from the
#: 2,000-artifact figure), and a lineage feed moves the head several times a second
MIN_AGE_S = 60.0


@dataclass(frozen=True)
class GraphSchema:
    """Names in the graph with counts: ``labels`` and ``relationship_types`` as
    ``{name: count}``; ``node_keys`` and ``relationship_keys`` as
    ``{label or type: {key: count}}``."""

    labels: dict[str, int]
    relationship_types: dict[str, int]
    node_keys: dict[str, dict[str, int]]
    relationship_keys: dict[str, dict[str, int]]

    def property_keys(self) -> list[str]:
        """Every property key on any node or relationship, sorted (for completion)."""
        keys = {k for d in (*self.node_keys.values(), *self.relationship_keys.values()) for k in d}
        return sorted(keys)

    def completion(self) -> dict:
        """What the console's editor completes: names only."""
        return {"labels": sorted(self.labels), "relationship_types": sorted(self.relationship_types),
                "property_keys": self.property_keys()}


def _grouped(rows: list[dict], by: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        out.setdefault(r[by], {})[r["key"]] = int(r["count"])
    return out


def read(store: GraphStore) -> GraphSchema:
    """Read the schema with counts from the store now (four scans, see the module)."""
    return GraphSchema(
        labels={r["label"]: int(r["count"]) for r in store.read("schema_labels")},
        relationship_types={r["type"]: int(r["count"]) for r in store.read("schema_relationship_types")},
        node_keys=_grouped(store.read("schema_node_keys"), "label"),
        relationship_keys=_grouped(store.read("schema_relationship_keys"), "type"))


_cache: "weakref.WeakKeyDictionary[GraphStore, tuple[int, float, GraphSchema]]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


_reading = threading.Lock()


def cached(store: GraphStore, max_age_s: float = MAX_AGE_S, min_age_s: float = MIN_AGE_S) -> GraphSchema:
    """``read`` reused while younger than ``min_age_s``, or while the audit head is
    unchanged and it is younger than ``max_age_s``; one read at a time (callers that
    arrive during it get its answer)."""
    def fresh(hit, head: int | None) -> bool:
        if hit is None:
            return False
        age = time.monotonic() - hit[1]
        return age < min_age_s or (hit[0] == head and age < max_age_s)

    with _lock:
        hit = _cache.get(store)
    if fresh(hit, None):
        return hit[2]
    head = int(store.read("audit_head")[0]["seq"])
    if fresh(hit, head):
        return hit[2]
    with _reading:
        with _lock:
            hit = _cache.get(store)
        if fresh(hit, head):
            return hit[2]
        now = time.monotonic()
        schema = read(store)
        with _lock:
            _cache[store] = (head, now, schema)
    return schema
