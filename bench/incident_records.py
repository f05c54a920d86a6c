"""What incident records cost: ``python -m bench.incident_records [--size N] [--incidents K]``.

Over the demo organisation (seed 7) on a real store, prints p50 and p95 of:
- ``incident answer``: the live incident answer of the failing deployment (the read a
  record's snapshot is made of);
- ``open record``: opening a record on it (that answer, plus one write unit);
- ``append entry``: a timeline entry (one write unit);
- ``hotspot rank``: a whole hotspot ranking, before and after K records exist (the
  ``past_incidents`` bulk read is one query answering two parallel lists).

Neo4j when ``--backend neo4j`` and ``NEO4J_URI`` (+ user, password) are set; the
database is cleared first, so never point it at one that matters.
"""

from __future__ import annotations

import argparse
import shutil
import time

from graph_model import demo
from graph_model.ingest import bulk
from graph_model.services import hotspots, incident, incident_records
from graph_model.services.access import Principal

from .access_cost import _store
from .stats import percentile


def _timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _row(name: str, ms: list[float]) -> str:
    return f"{name:<32} p50 {percentile(ms, 0.5):8.1f} ms   p95 {percentile(ms, 0.95):8.1f} ms   (n={len(ms)})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["falkordb", "neo4j"], default="falkordb")
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--incidents", type=int, default=1000)
    args = ap.parse_args()
    store, home = _store(args.backend)
    try:
        store.ensure_schema()
        bulk.ingest_chunks(store, demo.iter_demo_chunks(size=args.size, seed=7), actor="bench")
        facts = demo.demo_facts(size=args.size, seed=7)
        who = Principal(person=facts.sole_owner, scopes=frozenset({"read", "write"}), via="token", token="bench")
        uid = facts.failing_deployment
        print(f"{args.backend}, demo size {args.size}, failing {uid}")
        rank_before = _timed(lambda: hotspots.rank(store), 3)
        print(_row("hotspot rank, no records", rank_before))
        print(_row("incident answer", _timed(lambda: incident.incident(store, uid), args.runs)))
        opened: list[str] = []
        print(_row("open record", _timed(lambda: opened.append(incident_records.open_incident(
            store, who, artifact=uid, version=None, title="bench", severity="sev3")["id"]), args.runs)))
        print(_row("append entry", _timed(lambda: incident_records.append(
            store, who, opened[0], type="note", text="bench"), args.runs)))
        rows = store.read("hotspot_artifacts")[0]["uid"]
        while len(opened) < args.incidents:                 # spread over many artifacts, cheaply
            target = rows[len(opened) % len(rows)]
            opened.append(incident_records.open_incident(store, who, artifact=target, version=None,
                                                         title="bench", severity="sev4")["id"])
        t = time.perf_counter()
        store.read("hotspot_incidents")
        print(f"{'hotspot_incidents read':<32} {(time.perf_counter() - t) * 1000:8.1f} ms for {len(opened)} records")
        print(_row(f"hotspot rank, {len(opened)} records", _timed(lambda: hotspots.rank(store), 3)))
    finally:
        store.clear()
        store.close()
        if home is not None:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
