"""Hotspot answers as the web serves them: /hotspots, the home page's fragment and the API.

Why a measurement of its own: scoring reads and ranks the whole catalogue (seconds at
100k artifacts), so what a responder waits for depends on whether the ranking had to be
computed for their request (cold) or was already there for the current audit head
(warm). This runs the app in process (Flask's test client, no sockets) on a store that
already holds an organisation (``ownergraph demo --size N --no-serve --home DIR``):

    .venv/bin/python -m bench.hotspot_pages --home DIR [--runs 30] [--cold-runs 5]
    .venv/bin/python -m bench.hotspot_pages --store neo4j [--runs 30]

Cold: the process's hotspot cache is emptied before each request (without a cache,
every request is cold). Warm: the same request repeated with nothing written between.
With ``--writes N``, a writer thread changes one artifact's description every second
while the warm requests run, and the report gives the largest ``age_s`` seen (how far
an answer lagged behind the graph). Percentiles are nearest-rank (``bench.stats``).
"""

from __future__ import annotations

import argparse
import gc
import json
import threading
import time

from app import create_app
from graph_model.store import StoreConfig, open_store

from .stats import summary

ENDPOINTS = {"/hotspots": "/hotspots", "fragment": "/fragments/top-hotspots",
             "api": "/api/v1/hotspots"}


def _forget(store) -> None:
    try:
        from graph_model.services import hotspot_cache
    except ImportError:            # before the cache existed: every request is cold
        return
    hotspot_cache.forget(store)


def _get(client, path: str) -> tuple[float, object]:
    t0 = time.perf_counter()
    resp = client.get(path)
    ms = (time.perf_counter() - t0) * 1000
    if resp.status_code != 200:
        raise RuntimeError(f"{path}: {resp.status_code} {resp.get_data(as_text=True)[:200]}")
    return ms, resp


def _writer(store, stop: threading.Event, every_s: float) -> int:
    """Change one artifact's description through the write path, every ``every_s``."""
    from graph_model.ingest import manifest as ingest_manifest
    from graph_model.ingest.parse import validate
    row = store.read("hotspot_artifacts")[0]
    uid, kind = row["uid"][0], row["kind"][0]
    n = 0
    while not stop.wait(every_s):
        n += 1
        m = validate({"artifacts": [{"uid": uid, "kind": kind, "description": f"bench write {n}"}]})
        ingest_manifest.ingest(store, m, actor="bench")
    return n


def _gc_pauses() -> tuple[list[float], callable]:
    """Durations (ms) of full (generation 2) collections while installed."""
    pauses: list[float] = []
    began = [0.0]

    def callback(phase: str, info: dict) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            pauses.append((time.perf_counter() - began[0]) * 1000)
    return pauses, callback


def measure(store, runs: int, cold_runs: int, writes: int) -> dict:
    app = create_app({"OWNERGRAPH_STORE_OBJECT": store, "TESTING": True})
    pauses, callback = _gc_pauses()
    gc.callbacks.append(callback)
    client = app.test_client()
    out: dict = {}
    for name, path in ENDPOINTS.items():
        cold = []
        for _ in range(cold_runs):
            _forget(store)
            cold.append(_get(client, path)[0])
        warm = [_get(client, path)[0] for _ in range(runs)]
        out[name] = {"cold": summary(cold), "warm": summary(warm)}
    if writes:
        stop = threading.Event()
        t = threading.Thread(target=_writer, args=(store, stop, 1.0), daemon=True)
        t.start()
        times, ages, seqs = [], [], set()
        deadline = time.monotonic() + writes
        while time.monotonic() < deadline:
            ms, resp = _get(client, ENDPOINTS["api"])
            body = resp.get_json()
            times.append(ms)
            ages.append(body.get("age_s", 0))
            seqs.add(body.get("audit_seq"))
            time.sleep(0.2)
        stop.set()
        t.join()
        out["api while writing"] = {"warm": summary(times), "max_age_s": max(ages),
                                    "audit_heads_served": len(seqs)}
    gc.callbacks.remove(callback)
    out["full gc pauses"] = summary(pauses)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", choices=["falkordb", "neo4j"], default="falkordb")
    ap.add_argument("--home", help="data directory of the embedded store")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--writes", type=int, default=0, help="seconds of warm requests while writing")
    args = ap.parse_args(argv)
    store = open_store(StoreConfig.from_env(backend=args.store, home=args.home))
    try:
        print(json.dumps(measure(store, args.runs, args.cold_runs, args.writes), indent=2))
    finally:
        store.close()


if __name__ == "__main__":
    main()
