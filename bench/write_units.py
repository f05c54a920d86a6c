"""How long one bulk write unit takes per chunk size, the load rate, and what a reader
waits meanwhile: the figures behind ``bulk_chunk`` on each engine.

    python -m bench.write_units --store falkordb --size 10000 --chunks 250,500,1000,2000
    python -m bench.write_units --store neo4j --neo4j-uri bolt://127.0.0.1:7687 ...

For each chunk size: a fresh graph, the demo organisation loaded chunk by chunk while
one reader thread looks artifacts up by uid (loopback, bounded by the load itself).
Prints one JSON line per chunk size.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from graph_model import demo
from graph_model.ingest import bulk, manifest, parse
from graph_model.store import StoreConfig, open_store


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def measure(config: StoreConfig, size: int, chunk: int, now: datetime) -> dict:
    store = open_store(config)
    reader_store = open_store(config, ensure_schema=False)
    try:
        store.clear()
        store.ensure_schema()
        units: list[float] = []
        latencies: list[float] = []
        uids: list[str] = []
        stop = threading.Event()

        def reader() -> None:
            rnd = random.Random(1)
            while not stop.is_set():
                uid = rnd.choice(uids) if uids else "none/none"
                t0 = time.perf_counter()
                reader_store.read("artifact_header", uid=uid)
                latencies.append(time.perf_counter() - t0)
                time.sleep(0.005)

        applies: list[float] = []
        unit = store.write_unit

        def timed_unit(planner, after=None):
            """Times the apply phase: from the plan being made to the unit's end (on
            FalkorDB: rendering plus the one query, the window readers may wait in)."""
            mark: list[float] = []

            def plan(reader_fn):
                p = planner(reader_fn)
                mark[:] = [time.perf_counter()]
                return p
            out = unit(plan, after=after)
            applies.append(time.perf_counter() - mark[0])
            return out

        store.write_unit = timed_unit
        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        started = time.perf_counter()
        for data in demo.iter_demo_chunks(size=size, now=now, chunk_artifacts=chunk):
            m = parse.validate(data)
            t0 = time.perf_counter()
            manifest.ingest(store, m, actor="bench")
            units.append(time.perf_counter() - t0)
            uids.extend(a["uid"] for a in data["artifacts"])
        seconds = time.perf_counter() - started
        stop.set()
        thread.join()
        nodes, rels = bulk.graph_size(store)
        return {"backend": store.backend, "size": size, "chunk": chunk, "units": len(units),
                "unit_median_s": round(statistics.median(units), 3), "unit_max_s": round(max(units), 3),
                "apply_median_s": round(statistics.median(applies), 3), "apply_max_s": round(max(applies), 3),
                "load_s": round(seconds, 1), "rate": round((nodes + rels) / seconds),
                "read_p50_ms": round(_pct(latencies, 0.5) * 1000, 1),
                "read_p95_ms": round(_pct(latencies, 0.95) * 1000, 1),
                "read_max_ms": round(max(latencies or [0]) * 1000, 1), "reads": len(latencies)}
    finally:
        reader_store.close()
        store.close()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", default="falkordb", choices=["falkordb", "neo4j"])
    ap.add_argument("--size", type=int, default=10000)
    ap.add_argument("--chunks", default="250,500,1000,2000")
    ap.add_argument("--home", default=None, help="embedded data directory (default: a new temporary one)")
    ap.add_argument("--neo4j-uri", default=None)
    ap.add_argument("--neo4j-password", default=None)
    args = ap.parse_args(argv)
    home = Path(args.home or tempfile.mkdtemp(prefix="og-wu-"))
    config = StoreConfig.from_env(backend=args.store, home=home, neo4j_uri=args.neo4j_uri,
                                  neo4j_password=args.neo4j_password)
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    for chunk in (int(c) for c in args.chunks.split(",")):
        print(json.dumps(measure(config, args.size, chunk, now)), flush=True)


if __name__ == "__main__":
    main()
