"""The incident answer with "what changed" lines: its time, and what one compare per
artifact would cost instead.

Why a measurement of its own: every recent upstream change now says what changed (the
compare service, against the version before it). Done one compare per artifact, that is
three queries per changed artifact, and an incident whose upstream is large has dozens of
them. The answer reads them in bulk instead: a fixed number of queries whatever the
upstream size. This runs on a store that already holds an organisation
(``ownergraph --home DIR demo --size N --no-serve``):

    .venv/bin/python -m bench.incident_changes --home DIR --size N [--items 60] [--runs 3]
    .venv/bin/python -m bench.incident_changes --store neo4j --size N
    .venv/bin/python -m bench.incident_changes --home DIR --size N --wide 400 --naive

It times ``incident.incident`` on the failing deployment and the first ``--items`` of
the bench's fixed sample (``bench.sample``), each ``--runs`` times (the median per item
is kept), and counts the store reads per answer. ``--naive`` adds, per item, the time of
calling ``compare.compare`` once per artifact with a recent change or refresh (what the
lines would cost without the bulk read). ``--wide N`` also loads, on a graph of its own
in the same embedded store, one deployment reading N models directly (half changed,
half refreshed) and times that answer (median of at least 5). Percentiles are
nearest-rank (``bench.stats``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import datetime, timezone

from graph_model.services import compare, incident
from graph_model.store import StoreConfig, open_store

from . import sample
from .stats import summary


class CountingStore:
    """Counts the reads an answer makes, passing everything else through."""

    def __init__(self, store) -> None:
        self._store, self.reads = store, 0

    def read(self, *args, **kwargs):
        self.reads += 1
        return self._store.read(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._store, name)


def _changed(answer: dict) -> list[str]:
    """Version uids the answer summarised (or would have): recent versions on the path."""
    return [u["recent_change"]["version"] for u in answer["upstream"] if u.get("recent_change")]


def measure(store, uids: list[str], runs: int, naive: bool) -> dict:
    counting = CountingStore(store)
    times, naive_times, reads, upstream, changed = {}, {}, [], [], []
    for uid in uids:
        incident.incident(store, uid)       # warm-up of this item's pages in the engine
        per = []
        for _ in range(runs):
            t0 = time.perf_counter()
            answer = incident.incident(store, uid)
            per.append((time.perf_counter() - t0) * 1000)
        times[uid] = statistics.median(per)
        counting.reads = 0
        incident.incident(counting, uid)
        reads.append(counting.reads)
        upstream.append(len(answer["upstream"]))
        versions = _changed(answer)
        changed.append(len(versions))
        if naive:
            t0 = time.perf_counter()
            for v in versions:
                try:
                    compare.compare(store, v)
                except Exception:  # a first version has nothing before it
                    pass
            naive_times[uid] = (time.perf_counter() - t0) * 1000
    out = {"items": len(uids), "incident_ms": summary(list(times.values())),
           "reads_per_answer": {"min": min(reads), "max": max(reads), "mean": round(statistics.mean(reads), 1)},
           "upstream_artifacts": {"max": max(upstream), "mean": round(statistics.mean(upstream), 1)},
           "recent_per_answer": {"max": max(changed), "mean": round(statistics.mean(changed), 1)},
           "largest": max(uids, key=lambda u: upstream[uids.index(u)])}
    if naive:
        out["compare_loop_ms"] = summary(list(naive_times.values()))
    return out


def wide_manifest(n: int, now_ms: int) -> dict:
    """A deployment reading ``n`` models directly: the upstream set large enough that one
    compare per artifact would show. Half the models changed a parameter and their code
    hours ago; the other half were only retrained on a new snapshot of the shared feed."""
    def iso(hours_ago: float) -> str:
        return datetime.fromtimestamp(now_ms / 1000 - hours_ago * 3600, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    arts = [{"uid": "raw/wide-feed", "kind": "dataset",
             "versions": [{"version": "old", "created_at": iso(40 * 24)}, {"version": "new", "created_at": iso(30)}]}]
    for k in range(n):
        changed = k % 2 == 0
        v2 = {"version": "2", "created_at": iso(2 + k % 20), "hyperparameters": {"depth": 8 if changed else 6},
              "derived_from": [{"uid": "raw/wide-feed@new", "relation": "trained_on"}]}
        if changed:
            v2["commit"] = {"sha": f"{k:08x}" * 5, "message": f"tune {k}", "time": iso(3 + k % 20)}
        arts.append({"uid": f"models/wide-{k:04d}", "kind": "model", "versions": [
            {"version": "1", "created_at": iso(20 * 24), "hyperparameters": {"depth": 6},
             "derived_from": [{"uid": "raw/wide-feed@old", "relation": "trained_on"}]}, v2]})
    arts.append({"uid": "deploy/wide", "kind": "deployment", "versions": [
        {"version": "1", "created_at": iso(1),
         "derived_from": [{"uid": f"models/wide-{k:04d}@2", "relation": "deployed_from"} for k in range(n)]}]})
    return {"reason": "bench: wide upstream", "artifacts": arts}


def wide(args) -> dict:
    """The wide scenario on its own graph of the embedded store (it never touches the demo)."""
    from graph_model.clock import now_ms
    from graph_model.ingest import manifest, parse
    store = open_store(StoreConfig.from_env(backend="falkordb", home=args.home, graph="bench_wide"))
    try:
        store.clear()
        store.ensure_schema()
        manifest.ingest(store, parse.validate(wide_manifest(args.wide, now_ms())), actor="bench")
        return measure(store, ["deploy/wide"], max(args.runs, 5), args.naive)
    finally:
        store.clear()
        store.close()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", choices=["falkordb", "neo4j"], default="falkordb")
    ap.add_argument("--home", help="data directory of the embedded store")
    ap.add_argument("--size", type=int, required=True, help="size the demo was loaded with")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--items", type=int, default=60)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--naive", action="store_true")
    ap.add_argument("--wide", type=int, default=0,
                    help="also time one deployment with this many upstream models (embedded store only)")
    args = ap.parse_args(argv)
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    uids = sample.choose(args.size, args.seed, now, n=args.items).uids
    store = open_store(StoreConfig.from_env(backend=args.store, home=args.home))
    try:
        out = {"sample": measure(store, uids, args.runs, args.naive)}
    finally:
        store.close()
    if args.wide:
        out[f"wide_{args.wide}"] = wide(args)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
