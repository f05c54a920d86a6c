"""The lineage queue's writer process alone: units of batch events sent to it as the
queue sends them (two more while one is applied), no HTTP, no intake.

    python -m bench.lineage_writer --neo4j-uri bolt://127.0.0.1:7688 --neo4j-password PW \\
        [--units 20] [--per 1000] [--rounds 3]
    python -m bench.lineage_writer --home DIR          # the embedded engine of DIR

Why apart from ``bench.lineage --queue``: served, the feeds' intake, the writer and the
engine share this machine's 2 cores, so a change to the writer alone (``ol_ahead``:
planning a unit while the one before commits) is lost in that contention; here the
writer and the engine have the cores to themselves, as they would with Neo4j on its own
host. Each round uses new job names (``--prefix`` plus the round), so every round
creates its datasets and runs, as ``bench.lineage``'s feeds do; the store grows by
``units x per`` events a round. Reports events/s per round, their median, and how many
units the writer wrote as planned ahead.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import deque

from bench.lineage import Clock, Layered
from graph_model.ingest import ol_events, ol_writer_process


def units(prefix: str, count: int, per: int) -> list[list]:
    """``count`` units of ``per`` checked events (batches of 100: 50 runs' START and COMPLETE)."""
    work, clock, out, i = Layered(prefix=prefix), Clock(), [], 0
    for _ in range(count):
        raw: list[dict] = []
        for _ in range(max(1, per // 100)):
            for k in range(50):
                raw += work.run_events(work.jobs[(i * 50 + k) % len(work.jobs)], clock.next())
            i += 1
        out.append(ol_events.events(json.loads(json.dumps(raw)), batch=True))
    return out


def drain(writer: ol_writer_process.WriterProcess, batches: list[list], depth: int = 3) -> float:
    """Seconds to apply ``batches`` with at most ``depth`` sent and not answered."""
    started, sent = time.perf_counter(), deque()
    for events in batches:
        if len(sent) == depth:
            sent.popleft().result()
        sent.append(writer.submit(events, "bench", "lineage writer bench"))
    while sent:
        sent.popleft().result()
    return time.perf_counter() - started


def recipe(args: argparse.Namespace) -> ol_writer_process.Recipe:
    if args.home:
        from pathlib import Path
        from graph_model.store.embedded import EmbeddedServer
        server = EmbeddedServer(Path(args.home))
        return ol_writer_process.Recipe("falkordb", (str(server.acquire()), args.graph))
    return ol_writer_process.Recipe("neo4j", (args.neo4j_uri, args.neo4j_user, args.neo4j_password, None))


def run(args: argparse.Namespace) -> dict:
    writer = ol_writer_process.WriterProcess(recipe(args))
    rates: list[float] = []
    try:
        writer([], "bench", "start the writer")   # the child started and the store opened
        for r in range(args.rounds):
            batches = units(f"{args.prefix}{r}", args.units, args.per)
            events = sum(len(b) for b in batches)
            rates.append(round(events / drain(writer, batches), 1))
            print(f"round {r}: {events} events, {rates[-1]} events/s", file=sys.stderr, flush=True)
    finally:
        writer.close()
    return {"events_per_s": rates, "median_events_per_s": statistics.median(rates),
            "units": args.units * args.rounds, "planned_ahead": writer.planned_ahead}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--home", help="the data directory of an embedded store (else Neo4j)")
    p.add_argument("--graph", default="ownergraph")
    p.add_argument("--neo4j-uri", default="bolt://127.0.0.1:7688")
    p.add_argument("--neo4j-user", default="neo4j")
    p.add_argument("--neo4j-password", default="")
    p.add_argument("--units", type=int, default=20)
    p.add_argument("--per", type=int, default=1000, help="events a unit (a multiple of 100)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--prefix", default=f"w{int(time.time())}")
    return p.parse_args(argv)


if __name__ == "__main__":
    print(json.dumps(run(parse()), indent=2))
