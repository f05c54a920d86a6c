"""What the graph overview should show for a manifest, worked out from the manifest alone.

The tests compare the page's groups with this: a breadth-first walk over the manifest's
``derived_from`` lists (not the product's walk), owners read from the manifest's people,
recent changes from the versions' ``created_at`` (the 7 days of ``risk.RECENT_DAYS``).
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

RECENT = timedelta(days=7)


def expected_groups(m: dict, start: str, now: datetime, *, downstream: bool) -> dict[tuple[str, int], dict]:
    """(kind, distance) -> {"count", "no_owner", "recent", "members"} of what lies
    downstream (or upstream) of ``start`` in manifest ``m``."""
    arts = {a["uid"]: a for a in m["artifacts"]}
    inactive = {p["id"] for p in m.get("people", []) if p.get("active") is False}
    parents = {a["uid"]: {d["uid"].rsplit("@", 1)[0] for v in a["versions"] for d in v.get("derived_from", [])}
               for a in m["artifacts"]}
    children: dict[str, set[str]] = {}
    for uid, ps in parents.items():
        for p in ps:
            children.setdefault(p, set()).add(uid)
    step = children if downstream else parents
    distance = {start: 0}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for v in sorted(step.get(u, ())):
            if v not in distance:
                distance[v] = distance[u] + 1
                queue.append(v)
    out: dict[tuple[str, int], dict] = {}
    for uid, d in distance.items():
        if uid == start:
            continue
        a = arts[uid]
        g = out.setdefault((a["kind"], d), {"count": 0, "no_owner": 0, "recent": 0, "members": set()})
        g["count"] += 1
        g["no_owner"] += not a.get("owner") or a["owner"] in inactive
        g["recent"] += any(now - datetime.fromisoformat(v["created_at"]) <= RECENT
                           for v in a["versions"] if v.get("created_at"))
        g["members"].add(uid)
    return out
