"""Writes that run beside the reads of the load suite, each in its own process.

``python -m bench.writer bulk ...`` streams another demo organisation through the
product's bulk path (``bulk.ingest_chunks``, the engine's own write-unit size);
``python -m bench.writer trickle ...`` writes one small manifest per interval through
``manifest.ingest`` (what ``POST /api/v1/manifest`` and ``ownergraph ingest`` do), so the
audit head moves while pages are read.

Why a process and not a thread: the loader's Python work (validation, planning, the
audit chain) would otherwise take the reader's interpreter lock and the measured read
latency would be the benchmark's own contention, not the product's. A separate process
is also how it happens for real: an import job beside the web server.

Protocol with the measuring process: the writer opens the store and prints ``ready``;
it starts when a line arrives on stdin and writes its timings (wall-clock instants,
comparable across processes) as JSON to ``--out`` before exiting.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from graph_model import demo
from graph_model.ingest import bulk, manifest, parse


def namespaced(chunk: dict, prefix: str) -> dict:
    """The chunk with every identifier moved into its own namespace: artifact
    namespaces (``raw/x`` -> ``{prefix}-raw/x``), person and team ids, run ids, and every
    reference to them. A second organisation then adds nodes instead of updating the
    first one's (the demo reuses names across seeds)."""
    who = lambda pid: f"{prefix}.{pid}" if pid else pid   # noqa: E731
    uid = lambda u: f"{prefix}-{u}"                      # noqa: E731
    out = {"reason": f"{chunk.get('reason', 'demo')} ({prefix})"}
    if "people" in chunk:
        out["people"] = [dict(p, id=who(p["id"])) for p in chunk["people"]]
    if "teams" in chunk:
        out["teams"] = [dict(t, id=who(t["id"]), members=[who(m) for m in t.get("members", ())],
                             escalation=[who(m) for m in t.get("escalation", ())]) for t in chunk["teams"]]
    arts = []
    for a in chunk.get("artifacts", ()):
        a = dict(a, uid=uid(a["uid"]))
        for key in ("owner", "team"):
            if a.get(key):
                a[key] = who(a[key])
        if a.get("stewards"):
            a["stewards"] = [who(s) for s in a["stewards"]]
        versions = []
        for v in a.get("versions", ()):
            v = dict(v)
            if v.get("derived_from"):
                v["derived_from"] = [dict(d, uid=uid(d["uid"])) for d in v["derived_from"]]
            if v.get("commit") and v["commit"].get("author"):
                v["commit"] = dict(v["commit"], author=who(v["commit"]["author"]))
            if v.get("run"):
                v["run"] = dict(v["run"], id=f"{prefix}-{v['run']['id']}")
            versions.append(v)
        a["versions"] = versions
        arts.append(a)
    out["artifacts"] = arts
    return out


def open_store(args: argparse.Namespace):
    if args.backend == "falkordb":
        from graph_model.store.falkordb_store import FalkorDBStore
        return FalkorDBStore(home=Path(args.home))
    from graph_model.store.neo4j_store import Neo4jStore
    return Neo4jStore(args.neo4j_uri, "neo4j", args.neo4j_password)


def _wait_for_go() -> None:
    print("ready", flush=True)
    sys.stdin.readline()


def run_bulk(store, args: argparse.Namespace) -> dict:
    """The organisation of ``--size`` artifacts, generated lazily inside the load (as
    ``ownergraph demo`` does); the end instant of every write unit, to find the longest."""
    now = datetime.fromisoformat(args.now).astimezone(timezone.utc)
    chunks = (namespaced(c, args.prefix) for c in demo.iter_demo_chunks(
        size=args.size, seed=args.seed, now=now, chunk_artifacts=store.bulk_chunk))
    ends: list[float] = []
    _wait_for_go()
    start = time.time()
    result = bulk.ingest_chunks(store, chunks, actor="bench-load", progress=lambda r: ends.append(time.time()))
    end = time.time()
    units = [b - a for a, b in zip([start] + ends[:-1], ends)]
    return {"start": start, "end": end, "chunks": result.chunks, "chunk_artifacts": store.bulk_chunk,
            "artifacts": args.size, "unit_seconds_max": round(max(units), 3) if units else None,
            "unit_seconds_median": round(sorted(units)[len(units) // 2], 3) if units else None}


def run_trickle(store, args: argparse.Namespace) -> dict:
    """One write unit per ``--interval`` seconds for ``--seconds``: a new version of one of
    a few stream artifacts, owned by ``--owner`` (a person of the loaded organisation)."""
    _wait_for_go()
    start = time.time()
    writes: list[list[float]] = []
    i = 0
    while time.time() - start < args.seconds:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        m = {"reason": f"bench stream write {i}",
             "artifacts": [{"uid": f"bench-stream/feed-{i % 10}", "kind": "dataset", "owner": args.owner,
                            "versions": [{"version": f"w{i}", "created_at": stamp}]}]}
        t0 = time.time()
        summary = manifest.ingest(store, parse.validate(m), actor="bench-stream")
        writes.append([t0, time.time() - t0, summary.last_seq])
        i += 1
        time.sleep(max(0.0, t0 + args.interval - time.time()))
    return {"start": start, "end": time.time(), "writes": len(writes),
            "write_seconds_max": round(max((w[1] for w in writes), default=0.0), 3), "write_log": writes}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("bulk", "trickle"))
    ap.add_argument("--backend", choices=("falkordb", "neo4j"), required=True)
    ap.add_argument("--home", help="the embedded store's data directory (falkordb)")
    ap.add_argument("--neo4j-uri")
    ap.add_argument("--neo4j-password")
    ap.add_argument("--size", type=int, default=1000, help="bulk: artifacts")
    ap.add_argument("--seed", type=int, default=8, help="bulk: seed of the second organisation")
    ap.add_argument("--prefix", default="x2", help="bulk: namespace prefix of the second organisation")
    ap.add_argument("--now", default=datetime.now(timezone.utc).isoformat())
    ap.add_argument("--seconds", type=float, default=60.0, help="trickle: how long")
    ap.add_argument("--interval", type=float, default=1.0, help="trickle: seconds between write units")
    ap.add_argument("--owner", default=None, help="trickle: owner of the stream artifacts")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    store = open_store(args)
    try:
        result = run_bulk(store, args) if args.mode == "bulk" else run_trickle(store, args)
    finally:
        store.close()
    Path(args.out).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
