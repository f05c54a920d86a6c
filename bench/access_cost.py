"""What a bearer token costs on the incident API: ``python -m bench.access_cost``.

The same incident request, interleaved, anonymously (anonymous reading on) and with a
token, through Flask's test client over a real store (the demo organisation, seed 7);
prints p50 and p95 of each and the difference at p50. A token costs one read
(``token_by_hash``) when the server has not seen it in the last few seconds (see
``app.access.tokens.TokenCache``), plus, at most once a minute per token, one small write
of its last use. Issue 9's target: <= 1 ms more at p50.

Neo4j when ``--backend neo4j`` and ``NEO4J_URI`` (+ user, password) are set; the
database is cleared first, so never point it at one that matters.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from app import create_app
from app.access import tokens
from graph_model import demo
from graph_model.ingest import bulk

from .stats import percentile


def _store(backend: str):
    if backend == "neo4j":
        from graph_model.store.neo4j_store import Neo4jStore
        s = Neo4jStore(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
                       os.environ.get("NEO4J_PASSWORD", ""))
        s.clear()
        return s, None
    from graph_model.store.falkordb_store import FalkorDBStore
    home = Path(tempfile.mkdtemp(prefix="og-bench-acc-"))
    return FalkorDBStore(home=home), home


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["falkordb", "neo4j"], default="falkordb")
    ap.add_argument("--size", type=int, default=300)
    ap.add_argument("--runs", type=int, default=300)
    args = ap.parse_args()
    store, home = _store(args.backend)
    try:
        store.ensure_schema()
        bulk.ingest_chunks(store, demo.iter_demo_chunks(size=args.size, seed=7), actor="bench")
        facts = demo.demo_facts(size=args.size, seed=7)
        token = tokens.create(store, person=facts.sole_owner, team=None, scopes=["read"], actor="bench").token
        client = create_app({"OWNERGRAPH_STORE_OBJECT": store, "OWNERGRAPH_ANONYMOUS_READ": True}).test_client()
        url = f"/api/v1/incident?artifact={facts.failing_deployment}"
        headers = {"anonymous": {}, "token": {"Authorization": f"Bearer {token}"}}
        times: dict[str, list[float]] = {k: [] for k in headers}
        for i in range(args.runs + 20):
            for name, h in (headers.items() if i % 2 else reversed(list(headers.items()))):
                t0 = time.perf_counter()
                r = client.get(url, headers=h)
                elapsed = (time.perf_counter() - t0) * 1000
                assert r.status_code == 200, (name, r.status_code, r.get_data(as_text=True)[:300])
                if i >= 20:  # warm-up
                    times[name].append(elapsed)
        p50 = {k: percentile(v, 0.5) for k, v in times.items()}
        print(f"incident API, {args.backend}, demo size {args.size}, {args.runs} interleaved requests each")
        for k, v in times.items():
            print(f"  {k:<10} p50 {p50[k]:.2f} ms   p95 {percentile(v, 0.95):.2f} ms")
        paired = [t - a for t, a in zip(times["token"], times["anonymous"])]
        print(f"  token costs {p50['token'] - p50['anonymous']:+.2f} ms at p50 (target <= 1 ms); "
              f"median of paired differences {percentile(paired, 0.5):+.2f} ms")
        alone = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            tokens.verify(store, token, "127.0.0.1")
            alone.append((time.perf_counter() - t0) * 1000)
        print(f"  the token check alone, uncached: p50 {percentile(alone, 0.5):.3f} ms, p95 {percentile(alone, 0.95):.3f} ms")
    finally:
        store.clear() if args.backend == "neo4j" else None
        store.close()
        if home:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
