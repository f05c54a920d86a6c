"""The naive baseline: lineage walks and loads as people write them by hand.

Reads: one query per hop *per version* (no frontier batching), then one query per
artifact for its owners and one for its last change, and one per person. They go
through the store's own read path with the product's own query texts, each given a
one-element list, so the only difference from ownergraph is batching.

Writes: one MERGE per node or relationship, each in its own auto-commit transaction,
with the same uniqueness indexes in place (without them every MERGE would scan, which
would be unfair to the baseline), and no audit trail (which flatters it).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator

from graph_model.schema import canonical_json
from graph_model.store.base import GraphStore

DEPTH, MAX_VERSIONS = 10, 20_000


# -- reads ----------------------------------------------------------------------------


def _walk(store: GraphStore, start: list[str], query: str) -> dict[str, int]:
    """Artifact -> distance; one store round trip per version per hop."""
    dist = {v: 0 for v in start}
    art: dict[str, int] = {}
    frontier = list(start)
    for hop in range(1, DEPTH + 1):
        nxt = []
        for v in frontier:
            for r in store.read(query, frontier=[v]):
                if r["target"] not in dist:
                    dist[r["target"]] = hop
                    art.setdefault(r["artifact"], hop)
                    nxt.append(r["target"])
        if not nxt or len(dist) > MAX_VERSIONS:
            break
        frontier = nxt
    return art


def _owners_one_by_one(store: GraphStore, uids: Iterable[str], at: int, last_change: bool) -> None:
    people: set[str] = set()
    for uid in uids:
        for r in store.read("owners_as_of", uids=[uid], at=at):
            people.update(o["id"] for o in r["owners"] if o.get("id"))
            for t in r["teams"]:
                people.update(t.get("escalation") or [])
        if last_change:
            store.read("last_changes", uids=[uid], at=at)
    for pid in sorted(people):
        store.read("people_by_ids", ids=[pid])


def incident(store: GraphStore, uid: str, at: int) -> dict[str, int]:
    start = store.read("version_as_of", uid=uid, version=None, at=at)
    reached = _walk(store, [start[0]["uid"]], "upstream_hop") if start else {}
    reached.pop(uid, None)
    _owners_one_by_one(store, [uid, *reached], at, last_change=True)
    return reached


def impact(store: GraphStore, uid: str, at: int) -> dict[str, int]:
    starts = [r["uid"] for r in store.read("artifact_version_uids", uid=uid)]
    reached = _walk(store, starts, "downstream_hop")
    reached.pop(uid, None)
    _owners_one_by_one(store, reached, at, last_change=False)
    return reached


# -- writes ---------------------------------------------------------------------------

Q = {
    "person": "MERGE (p:Person {id: $id}) SET p.name = $name, p.email = $email, p.active = $active",
    "team": "MERGE (t:Team {id: $id}) SET t.name = $name, t.escalation = $escalation",
    "member": "MATCH (p:Person {id: $person}), (t:Team {id: $team}) MERGE (p)-[m:MEMBER_OF]->(t) SET m.since = $at",
    "artifact": ("MERGE (a:Artifact {uid: $uid}) SET a.kind = $kind, a.description = $description, "
                 "a.links = $links"),
    "owns": ("MATCH (p:Person {id: $person}), (a:Artifact {uid: $uid}) "
             "MERGE (p)-[o:OWNS {role: $role}]->(a) SET o.since = $at"),
    "team_owns": "MATCH (t:Team {id: $team}), (a:Artifact {uid: $uid}) MERGE (t)-[o:OWNS]->(a) SET o.since = $at",
    "version": ("MERGE (v:Version {uid: $uid}) SET v.version = $version, v.artifact_uid = $artifact, "
                "v.created_at = $created_at, v.metrics = $metrics, v.hyperparameters = $hyperparameters"),
    "version_of": "MATCH (v:Version {uid: $uid}), (a:Artifact {uid: $artifact}) MERGE (v)-[:VERSION_OF]->(a)",
    "previous": "MATCH (v:Version {uid: $uid}), (p:Version {uid: $previous}) MERGE (v)-[:PREVIOUS]->(p)",
    "commit": "MERGE (c:Commit {sha: $sha}) SET c.repo = $repo, c.message = $message, c.time = $time",
    "authored": "MATCH (c:Commit {sha: $sha}), (p:Person {id: $person}) MERGE (c)-[:AUTHORED_BY]->(p)",
    "built_from": "MATCH (v:Version {uid: $uid}), (c:Commit {sha: $sha}) MERGE (v)-[:BUILT_FROM]->(c)",
    "run": "MERGE (r:Run {id: $id}) SET r.status = $status, r.started_at = $started_at, r.ended_at = $ended_at",
    "produced_by": "MATCH (v:Version {uid: $uid}), (r:Run {id: $id}) MERGE (v)-[:PRODUCED_BY]->(r)",
    "derived": ("MATCH (v:Version {uid: $uid}), (u:Version {uid: $upstream}) "
                "MERGE (v)-[d:DERIVED_FROM {relation: $relation}]->(u)"),
}


def _ms(text: str | None) -> int | None:
    if not text:
        return None
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp() * 1000)


def rows(chunks: Iterable[dict], at: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """(query, params), one per node or relationship of the organisation, in an order
    where everything a statement matches was written before it."""
    commits: set[str] = set()
    for chunk in chunks:
        for p in chunk.get("people", ()):
            yield Q["person"], {"id": p["id"], "name": p.get("name"), "email": p.get("email"),
                                "active": p.get("active", True)}
        for t in chunk.get("teams", ()):
            yield Q["team"], {"id": t["id"], "name": t["name"], "escalation": list(t.get("escalation") or [])}
            for pid in t.get("members") or ():
                yield Q["member"], {"person": pid, "team": t["id"], "at": at}
        for a in chunk["artifacts"]:
            uid = a["uid"]
            yield Q["artifact"], {"uid": uid, "kind": a["kind"], "description": a.get("description"),
                                  "links": canonical_json(a.get("links") or {})}
            for role, pids in (("primary", [a["owner"]] if a.get("owner") else []),
                               ("steward", a.get("stewards") or [])):
                for pid in pids:
                    yield Q["owns"], {"person": pid, "uid": uid, "role": role, "at": at}
            if a.get("team"):
                yield Q["team_owns"], {"team": a["team"], "uid": uid, "at": at}
            previous = None
            for v in a.get("versions", ()):
                vuid = f"{uid}@{v['version']}"
                yield Q["version"], {"uid": vuid, "version": v["version"], "artifact": uid,
                                     "created_at": _ms(v.get("created_at")),
                                     "metrics": canonical_json(v.get("metrics") or {}),
                                     "hyperparameters": canonical_json(v.get("hyperparameters") or {})}
                yield Q["version_of"], {"uid": vuid, "artifact": uid}
                if previous:
                    yield Q["previous"], {"uid": vuid, "previous": previous}
                previous = vuid
                c = v.get("commit")
                if c:
                    if c["sha"] not in commits:
                        commits.add(c["sha"])
                        yield Q["commit"], {"sha": c["sha"], "repo": c.get("repo"), "message": c.get("message"),
                                            "time": _ms(c.get("time"))}
                        if c.get("author"):
                            yield Q["authored"], {"sha": c["sha"], "person": c["author"]}
                    yield Q["built_from"], {"uid": vuid, "sha": c["sha"]}
                r = v.get("run")
                if r:
                    yield Q["run"], {"id": r["id"], "status": r.get("status"), "started_at": _ms(r.get("started_at")),
                                     "ended_at": _ms(r.get("ended_at"))}
                    yield Q["produced_by"], {"uid": vuid, "id": r["id"]}
                for d in v.get("derived_from", ()):
                    yield Q["derived"], {"uid": vuid, "upstream": d["uid"], "relation": d["relation"]}


def load(execute: Callable[[str, dict], None], chunks: Iterable[dict], at: int, budget_s: float,
         total: int | None = None) -> dict:
    """Run ``rows`` one statement (one transaction) at a time until done or out of time.

    Returns elements written, seconds, rate, and whether the budget cut the load short.
    """
    started = time.perf_counter()
    n, capped = 0, False
    for query, params in rows(chunks, at):
        execute(query, params)
        n += 1
        if n % 200 == 0 and time.perf_counter() - started > budget_s:
            capped = True
            break
    seconds = time.perf_counter() - started
    return {"elements": n, "seconds": round(seconds, 2), "rate": n / seconds if seconds else 0.0,
            "capped": capped, "total_elements": total}


def falkordb_executor(socket_path: str, graph: str) -> tuple[Callable[[str, dict], None], Callable[[], None]]:
    """A hand-written client: one GRAPH.QUERY per statement on its own connection."""
    from pathlib import Path

    from falkordb import FalkorDB
    from graph_model.store.embedded import stored_secret
    from graph_model.store.falkordb_store import params_header
    db = FalkorDB(unix_socket_path=socket_path, password=stored_secret(Path(socket_path).parent))
    g = db.select_graph(graph)

    def execute(query: str, params: dict) -> None:
        g.query(params_header(params) + query)

    return execute, db.connection.close


def neo4j_executor(uri: str, user: str, password: str) -> tuple[Callable[[str, dict], None], Callable[[], None]]:
    """A hand-written client: ``session.run`` per statement, i.e. one auto-commit
    transaction each."""
    from neo4j import GraphDatabase
    driver = GraphDatabase.driver(uri, auth=(user, password), notifications_min_severity="OFF")
    session = driver.session()

    def execute(query: str, params: dict) -> None:
        session.run(query, params).consume()

    def close() -> None:
        session.close()
        driver.close()

    return execute, close
