"""The floor baseline: incident and impact answered from an in-memory networkx graph.

Why: it is the cost of the computation itself with no database, no driver and no
round trip, so "ownergraph / floor" says how much of a query's time is the store's.
The graph is built once from the same demo manifests the store was loaded from; each
query then walks versions breadth-first (depth 10, the same 20,000-version cap) and
looks owners, teams, people and last changes up in dicts, as the services do in Cypher.
Its answers are checked against ownergraph's (the artifacts reached and their
distances), so the two really compute the same thing.
"""

from __future__ import annotations

from datetime import datetime, timezone

import networkx as nx

from graph_model import demo
from graph_model.services import paging

DAY_MS = 86_400_000
RECENT_MS, STALE_MS = 7 * DAY_MS, 30 * DAY_MS
DEPTH, MAX_VERSIONS = 10, 20_000


def _ms(text: str | None) -> int | None:
    if not text:
        return None
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp() * 1000)


class Floor:
    """The demo organisation in process: a version-level lineage DiGraph (edges point
    upstream, derived -> source) plus dicts for everything an answer needs."""

    def __init__(self, size: int, seed: int, now: datetime):
        self.g = nx.DiGraph()
        self.versions: dict[str, list[str]] = {}     # artifact -> version uids, oldest first
        self.vinfo: dict[str, dict] = {}             # version uid -> created, commit, author, run time
        self.arts: dict[str, dict] = {}              # artifact -> kind, owner, stewards, team
        self.people: dict[str, dict] = {}
        self.teams: dict[str, dict] = {}
        for chunk in demo.iter_demo_chunks(size=size, seed=seed, now=now):
            self._add(chunk)

    def _add(self, chunk: dict) -> None:
        for p in chunk.get("people", ()):
            self.people[p["id"]] = {"id": p["id"], "name": p.get("name"), "email": p.get("email"),
                                    "active": p.get("active", True) is not False}
        for t in chunk.get("teams", ()):
            self.teams[t["id"]] = {"id": t["id"], "name": t["name"], "escalation": list(t.get("escalation") or [])}
        for a in chunk["artifacts"]:
            uid = a["uid"]
            self.arts[uid] = {"kind": a["kind"], "owner": a.get("owner"), "stewards": list(a.get("stewards") or []),
                              "team": a.get("team")}
            vuids = self.versions.setdefault(uid, [])
            for v in a.get("versions", ()):
                vuid = f"{uid}@{v['version']}"
                vuids.append(vuid)
                c, r = v.get("commit") or {}, v.get("run") or {}
                self.vinfo[vuid] = {"created_at": _ms(v.get("created_at")), "sha": c.get("sha"),
                                    "author": c.get("author"), "commit_time": _ms(c.get("time")),
                                    "run_at": _ms(r.get("started_at") or r.get("ended_at"))}
                self.g.add_node(vuid, artifact=uid)
                for d in v.get("derived_from", ()):
                    self.g.add_edge(vuid, d["uid"], relation=d["relation"])

    # -- walks ------------------------------------------------------------------------

    def _walk(self, start: list[str], upstream: bool) -> dict[str, dict]:
        """Artifact -> {distance, versions} reached from ``start`` (versions)."""
        nbrs = self.g.successors if upstream else self.g.predecessors
        dist = {v: 0 for v in start}
        frontier = list(start)
        for hop in range(1, DEPTH + 1):
            nxt = []
            for v in frontier:
                for u in nbrs(v):
                    if u not in dist:
                        dist[u] = hop
                        nxt.append(u)
            if not nxt or len(dist) > MAX_VERSIONS:
                break
            frontier = nxt
        out: dict[str, dict] = {}
        for v, d in sorted(dist.items(), key=lambda kv: (kv[1], kv[0])):
            auid = self.g.nodes[v].get("artifact")
            if auid is not None:
                out.setdefault(auid, {"distance": d, "versions": []})["versions"].append(v)
        return out

    def _person(self, pid: str | None) -> dict | None:
        return self.people.get(pid) if pid else None

    def _owned(self, auid: str) -> dict:
        a = self.arts[auid]
        team = self.teams.get(a["team"]) if a["team"] else None
        return {"uid": auid, "kind": a["kind"], "owner": self._person(a["owner"]),
                "stewards": [self.people[s] for s in a["stewards"] if s in self.people], "team": team}

    def _last_change(self, auid: str, at: int) -> dict | None:
        newest, activity = None, []
        for vuid in self.versions.get(auid, ()):
            info = self.vinfo[vuid]
            if info["created_at"] is not None and info["created_at"] <= at:
                newest = vuid
                activity.append(info["created_at"])
            if info["run_at"] is not None:
                activity.append(info["run_at"])
        if newest is None:
            return None
        return dict(self.vinfo[newest], version=newest, last_activity=max(activity) if activity else None)

    def _recent(self, versions: list[str], at: int) -> dict | None:
        best = None
        for vuid in versions:
            info = self.vinfo.get(vuid) or {}
            t = max([x for x in (info.get("created_at"), info.get("commit_time")) if x is not None], default=None)
            if t is not None and at - RECENT_MS <= t <= at and (best is None or t > best[0]):
                best = (t, vuid, info)
        if best is None:
            return None
        t, vuid, info = best
        return {"version": vuid, "commit": info["sha"], "author": info["author"],
                "ago": f"{max(1, round((at - t) / 3_600_000))} hours before"}

    def _flags(self, item: dict, change: dict | None, at: int) -> list[str]:
        out = []
        if item["owner"] is None:
            out.append("no_primary_owner")
        elif not item["owner"]["active"]:
            out.append("owner_inactive")
        if not item["stewards"]:
            out.append("no_steward")
        if not change or change["last_activity"] is None or change["last_activity"] < at - STALE_MS:
            out.append("stale")
        if item.get("recent_change"):
            out.append("recent_change")
        return out

    # -- the two answers --------------------------------------------------------------

    def incident(self, uid: str, at: int) -> dict:
        """Upstream artifacts with owners, last change and flags, and the page list."""
        vuids = [v for v in self.versions.get(uid, ()) if (self.vinfo[v]["created_at"] or 0) <= at]
        reached = self._walk(vuids[-1:], upstream=True)
        reached.pop(uid, None)
        upstream = []
        for auid, info in reached.items():
            item = self._owned(auid)
            change = self._last_change(auid, at)
            item.update(distance=info["distance"], versions=info["versions"], last_change=change,
                        recent_change=self._recent(info["versions"], at))
            item["flags"] = self._flags(item, change, at)
            upstream.append(item)
        failing = self._owned(uid)
        failing["recent_change"] = self._recent(vuids[-1:], at)
        page, _ = paging.build_page(failing, upstream, self.people)
        return {"upstream": {u["uid"]: u["distance"] for u in upstream}, "page": page}

    def impact(self, uid: str) -> dict:
        """Downstream artifacts grouped by kind, with the people to notify."""
        reached = self._walk(list(self.versions.get(uid, ())), upstream=False)
        reached.pop(uid, None)
        groups: dict[str, list[str]] = {}
        notify: dict[str, list[str]] = {}
        for auid, info in reached.items():
            item = self._owned(auid)
            groups.setdefault(item["kind"], []).append(auid)
            for p in ([item["owner"]] if item["owner"] else []) + item["stewards"]:
                notify.setdefault(p["id"], []).append(auid)
        return {"downstream": {a: i["distance"] for a, i in reached.items()}, "groups": groups,
                "notify": notify}


def incident_distances(answer: dict) -> dict[str, int]:
    """ownergraph's incident answer reduced to what the floor is checked on."""
    return {u["uid"]: u["distance"] for u in answer["upstream"]}


def impact_distances(answer: dict) -> dict[str, int]:
    return {a["uid"]: a["distance"] for g in answer["groups"] for a in g["artifacts"]}
