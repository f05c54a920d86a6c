"""One backend at one size, in its own process: ``python -m bench.measure ... --out F.json``.

Why a process per measurement: peak RSS (``ru_maxrss``) is a high-water mark of the
whole process, so each (backend, size) gets a fresh one, and it is read right after
ownergraph's own work (load, queries, hotspots), before the baselines allocate theirs.

Order: fresh store -> timed load of the demo organisation -> warm-up -> incident and
impact over the fixed sample -> hotspots -> peak RSS -> floor baseline (networkx, in
process, answers checked against ownergraph's) -> naive reads on a prefix of the
sample -> naive per-row writes into an empty store, capped in time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from graph_model import demo
from graph_model.ingest import bulk
from graph_model.services import impact, incident
from graph_model.services.write_path import now_ms

from . import baselines, naive, stats
from .sample import choose

WARMUP = 20


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _engine_rss_mb(pid: int | None) -> float | None:
    try:
        import psutil
        return round(psutil.Process(pid).memory_info().rss / 2**20, 1) if pid else None
    except Exception:   # psutil missing or the process is gone: the column stays empty
        return None


def wipe_neo4j(uri: str, password: str) -> None:
    """Empty the Neo4j database in bounded transactions. Not ``store.clear()``: its
    single ``CALL {} IN TRANSACTIONS`` over ``MATCH (n)`` runs out of transaction
    memory with a 1 GB heap at ~2M nodes (seen at 100k artifacts)."""
    from neo4j import GraphDatabase
    with GraphDatabase.driver(uri, auth=("neo4j", password)) as driver:
        # relationships first: a node's DETACH DELETE takes all of its relationships in
        # one transaction, and a team or a person can have tens of thousands
        for query in ("MATCH ()-[r]->() WITH r LIMIT 20000 DELETE r RETURN count(*) AS deleted",
                      "MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted"):
            while driver.execute_query(query)[0][0]["deleted"]:
                pass


class Backend:
    """A fresh store of one engine, and what the naive writer needs to reach it."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.name = args.backend
        self.home: Path | None = None
        if self.name == "falkordb":
            from graph_model.store.falkordb_store import FalkorDBStore
            self.home = Path(tempfile.mkdtemp(prefix="ogb-"))   # short: unix socket path limit
            self.store = FalkorDBStore(home=self.home, graph="bench")
        else:
            from graph_model.store.neo4j_store import Neo4jStore
            self.store = Neo4jStore(args.neo4j_uri, "neo4j", args.neo4j_password)
            self.wipe()
        self.store.ensure_schema()

    def wipe(self) -> None:
        wipe_neo4j(self.args.neo4j_uri, self.args.neo4j_password)

    def engine_pid(self) -> int | None:
        if self.name == "falkordb":
            from graph_model.store.embedded import PID_NAME
            try:
                return int((self.home / PID_NAME).read_text().strip())
            except (OSError, ValueError):
                return None
        return self.args.neo4j_pid

    def naive_target(self):
        """(execute, close, cleanup) for the naive load into an empty store with the
        same indexes: another graph in the same FalkorDB server; on Neo4j (one user
        database in community edition) the benchmark graph is cleared first."""
        if self.name == "falkordb":
            from graph_model.store.embedded import SOCKET_NAME
            from graph_model.store.falkordb_store import FalkorDBStore
            sock = str(self.home / SOCKET_NAME)
            scratch = FalkorDBStore(socket_path=sock, graph="naive")
            scratch.clear()
            scratch.ensure_schema()
            execute, close = naive.falkordb_executor(sock, "naive")

            def cleanup() -> None:
                scratch.clear()
                scratch.close()
            return execute, close, cleanup
        self.wipe()
        execute, close = naive.neo4j_executor(self.args.neo4j_uri, "neo4j", self.args.neo4j_password)
        return execute, close, self.wipe

    def close(self) -> None:
        if self.name == "neo4j":
            self.wipe()
        self.store.close()
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)


def measure_ingest(store, size: int, seed: int, now: datetime) -> dict:
    """Wall time of the bulk load (chunks generated lazily inside it, as ``ownergraph
    demo`` does) and what the store holds afterwards."""
    t0 = time.perf_counter()
    n_gen = sum(len(c["artifacts"]) for c in demo.iter_demo_chunks(size=size, seed=seed, now=now,
                                                                    chunk_artifacts=store.bulk_chunk))
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = bulk.ingest_chunks(store, demo.iter_demo_chunks(size=size, seed=seed, now=now,
                                                             chunk_artifacts=store.bulk_chunk), actor="bench")
    seconds = time.perf_counter() - t0
    nodes, rels = bulk.graph_size(store)
    labels = {r["label"]: r["n"] for r in store.read("count_nodes")}
    audit = labels.get("AuditEvent", 0)
    return {"artifacts": n_gen, "seconds": round(seconds, 2), "generation_seconds": round(gen_s, 2),
            "chunks": result.chunks, "chunk_artifacts": store.bulk_chunk, "nodes": nodes,
            "relationships": rels, "elements": nodes + rels, "audit_events": audit,
            "rate": (nodes + rels) / seconds, "rate_without_audit": (nodes + rels - audit) / seconds,
            "labels": labels}


def measure_queries(store, uids: list[str], budget: float) -> dict:
    """Warm-up on the first items, then every item once for incident and for impact."""
    for uid in uids[:WARMUP]:
        incident.incident(store, uid)
        impact.impact(store, uid)
    out = {}
    for name, fn, reduce in (("incident", lambda u: incident.incident(store, u), baselines.incident_distances),
                             ("impact", lambda u: impact.impact(store, u), baselines.impact_distances)):
        times, answers, cut = stats.time_each(lambda u: reduce(fn(u)), uids, budget)
        out[name] = {"times": times, "answers": answers, "budget_hit": cut}
    return out


def measure_hotspots(store, runs: int, budget: float) -> dict:
    """One warm-up run, then up to ``runs`` measured runs within ``budget`` seconds."""
    from graph_model.services import hotspots
    t0 = time.perf_counter()
    answer = hotspots.hotspots(store)
    first = time.perf_counter() - t0
    measured = []
    while len(measured) < runs and (not measured or sum(measured) + first < budget):
        t0 = time.perf_counter()
        hotspots.hotspots(store)
        measured.append(time.perf_counter() - t0)
    return {"first_seconds": round(first, 2), "runs": [round(x, 2) for x in measured],
            "seconds": round(stats.percentile(measured, 0.5), 2), "artifacts_total": answer["artifacts_total"]}


def measure_floor(size: int, seed: int, now: datetime, uids: list[str], og: dict) -> dict:
    t0 = time.perf_counter()
    floor = baselines.Floor(size, seed, now)
    build = time.perf_counter() - t0
    at = now_ms()
    for uid in uids[:WARMUP]:
        floor.incident(uid, at)
        floor.impact(uid)
    out = {"build_seconds": round(build, 2)}
    for name, fn, key in (("incident", lambda u: floor.incident(u, at), "upstream"),
                          ("impact", floor.impact, "downstream")):
        mine = og[name]["times"]
        times, answers, _ = stats.time_each(lambda u: fn(u)[key], [u for u in uids if u in mine])
        agree = sum(answers[u] == og[name]["answers"][u] for u in answers)
        out[name] = {"times": times, "agree": agree, "compared": len(answers)}
    return out


def measure_naive_reads(store, uids: list[str], og: dict, budget: float) -> dict:
    at = now_ms()
    out = {}
    for name, fn in (("incident", naive.incident), ("impact", naive.impact)):
        for uid in uids[:3]:
            fn(store, uid, at)
        mine = og[name]["times"]
        times, answers, cut = stats.time_each(lambda u: fn(store, u, at), [u for u in uids if u in mine], budget)
        agree = sum(answers[u] == og[name]["answers"][u] for u in answers)
        out[name] = {"times": times, "agree": agree, "compared": len(answers), "budget_hit": cut}
    return out


def measure_naive_ingest(be: Backend, args: argparse.Namespace, now: datetime, ingest: dict) -> dict:
    total = ingest["elements"] - ingest["audit_events"]
    try:
        execute, close, cleanup = be.naive_target()
        try:
            return naive.load(execute, demo.iter_demo_chunks(size=args.size, seed=args.seed, now=now),
                              now_ms(), args.naive_ingest_budget, total)
        finally:
            close()
            cleanup()
    except Exception as e:   # keep the other numbers; the table says what failed
        return {"error": f"{type(e).__name__}: {e}"[:300], "elements": 0, "rate": 0.0, "capped": False,
                "seconds": 0.0, "total_elements": total}


def run(args: argparse.Namespace) -> dict:
    now = datetime.fromisoformat(args.now).astimezone(timezone.utc)
    sample = choose(args.size, args.seed, now, args.sample)
    result: dict = {"backend": args.backend, "size": args.size, "seed": args.seed, "now": args.now,
                    "sample": {"n": len(sample.uids), "mix": sample.counts()},
                    "load_average": {"start": round(os.getloadavg()[0], 1)}}
    be = Backend(args)
    try:
        result["ingest"] = measure_ingest(be.store, args.size, args.seed, now)
        og = measure_queries(be.store, sample.uids, args.query_budget)
        result["hotspots"] = measure_hotspots(be.store, args.hotspot_runs, args.hotspot_budget)
        result["memory"] = {"peak_rss_mb": _peak_rss_mb(), "engine_rss_mb": _engine_rss_mb(be.engine_pid())}
        floor = measure_floor(args.size, args.seed, now, sample.uids, og)
        nv = measure_naive_reads(be.store, sample.uids, og, args.naive_budget)
        result["naive_ingest"] = measure_naive_ingest(be, args, now, result["ingest"])
    finally:
        try:
            be.close()
        except Exception as e:   # the numbers are taken; a failed clean-up is only reported
            print(f"clean-up failed: {e}", file=sys.stderr)
    result["queries"] = {}
    for name in ("incident", "impact"):
        mine = og[name]["times"]
        q = {"ownergraph": stats.summary(list(mine.values())), "budget_hit": og[name]["budget_hit"],
             "floor": stats.summary(list(floor[name]["times"].values())),
             "floor_agree": f"{floor[name]['agree']}/{floor[name]['compared']}",
             "naive": stats.summary(list(nv[name]["times"].values())),
             "naive_agree": f"{nv[name]['agree']}/{nv[name]['compared']}",
             "naive_budget_hit": nv[name]["budget_hit"],
             "ownergraph_on_naive_items": stats.summary([mine[u] for u in nv[name]["times"]])}
        for base, data in (("floor", floor[name]["times"]), ("naive", nv[name]["times"])):
            for p in (0.5, 0.95):
                r = stats.ratio(data, mine, p)
                q[f"{base}_ratio_p{int(p * 100)}"] = float(f"{r:.3g}") if r is not None else None
        result["queries"][name] = q
    result["floor_build_seconds"] = floor["build_seconds"]
    result["load_average"]["end"] = round(os.getloadavg()[0], 1)
    ni = result["naive_ingest"]
    ni["ratio_time"] = round(result["ingest"]["rate"] / ni["rate"], 2) if ni["rate"] else None
    return result


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=("falkordb", "neo4j"), required=True)
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--now", required=True, help="ISO-8601 instant the demo is generated around")
    ap.add_argument("--sample", type=int, default=200)
    ap.add_argument("--query-budget", type=float, default=180.0, help="seconds per query kind")
    ap.add_argument("--hotspot-runs", type=int, default=1)
    ap.add_argument("--hotspot-budget", type=float, default=60.0)
    ap.add_argument("--naive-budget", type=float, default=45.0, help="seconds per naive query kind")
    ap.add_argument("--naive-ingest-budget", type=float, default=30.0)
    ap.add_argument("--neo4j-uri", default=None)
    ap.add_argument("--neo4j-password", default=None)
    ap.add_argument("--neo4j-pid", type=int, default=None)
    ap.add_argument("--out", default=None)
    return ap


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    result = run(args)
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1, sort_keys=True))
    print(json.dumps({k: result[k] for k in ("backend", "size")}), file=sys.stderr)


if __name__ == "__main__":
    main()
