"""The first pages a responder opens after Neo4j started, with and without the warm-up.

    python -m bench.first_page --rounds 3 [--port 7688]
    python -m bench.first_page --rounds 3 --backend falkordb --home DIR

Why: Neo4j plans a query text the first time it sees it, and a start empties its plan
cache and leaves its planner cold: at 100k artifacts the first artifact page after a
start took 9.3 s. ``serve`` renders the incident pages in the background when it starts
and after an outage (``app.warmup``); this measures what a responder then waits.

Each round, for each mode, Neo4j is stopped and started again with
``tools/neo4j-local`` (same data), ``ownergraph serve`` is started in its own process on
loopback, and the incident, artifact and impact pages of artifacts drawn at random (a
deployment and a model, never those the warm-up renders; the same ones in every mode
of a round) are requested once each, in that order, and timed. Modes:

- ``off``: ``serve --no-warm-up``, asked as soon as ``/healthz`` answers;
- ``on, at once``: with the warm-up, asked as soon as ``/healthz`` answers (the warm-up
  is then running beside the responder's requests);
- ``on, after``: asked once the warm-up has logged that it is done (its time is reported).

The store must already hold the demo organisation on the dedicated bench server
(``OWNERGRAPH_NEO4J_HOME``, ``NEO4J_PORT``, ``NEO4J_PASSWORD`` as for ``bench.run``).
Loopback only, a bounded number of requests, each with a timeout.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app import warmup
from graph_model.store import StoreConfig
from graph_model.store.factory import open_store

from . import stats
from .run import NEO4J_PASSWORD, NEO4J_PORT, ROOT, log, start_neo4j
from .served import Client, serve

MODES = ("off", "on, at once", "on, after")
PAGES = ("incident", "artifact", "impact")
WARM_DONE = re.compile(r"warm-up: planned (\d+) pages in ([\d.]+) s")


def restart_neo4j(port: int, password: str) -> None:
    env = dict(os.environ, NEO4J_PORT=str(port), NEO4J_PASSWORD=password)
    subprocess.run(["bash", str(ROOT / "tools" / "neo4j-local" / "stop")], env=env, check=True,
                   capture_output=True)
    start_neo4j(port, password)


def candidates(config: StoreConfig) -> dict[str, list[str]]:
    """Deployment and model uids, without those the warm-up renders (read through the
    warm-up's own query, which lists them in uid order)."""
    with open_store(config) as store:
        return {kind: [r["uid"] for r in store.read("warmup_artifacts", kind=kind, limit=10_000_000)]
                [warmup.PER_KIND:] for kind in warmup.KINDS}


def one(mode: str, store_args: list[str], uids: list[str], work: Path) -> dict:
    log_path = work / f"serve-{MODES.index(mode)}.log"
    extra = ("--no-warm-up",) if mode == "off" else ()
    out: dict = {"mode": mode, "pages": {}, "warm_up_s": None}
    with serve(store_args, log_path, timeout=180, extra=extra) as (port, _):
        if mode == "on, after":
            deadline = time.monotonic() + 300
            while not (m := WARM_DONE.search(log_path.read_text(errors="replace"))):
                if time.monotonic() > deadline:
                    raise RuntimeError("the warm-up did not finish in 300 s: " + log_path.read_text()[-1500:])
                time.sleep(0.2)
            out["warm_up_s"] = float(m.group(2))
        client = Client(port, timeout=120)
        for uid in uids:
            for page in PAGES:
                status, ms, _, _ = client.request("GET", f"/{page}/{uid}")
                if status != 200:
                    raise RuntimeError(f"/{page}/{uid} answered {status}")
                out["pages"][f"{page} {uid}"] = round(ms, 1)
        client.close()
    if mode != "off" and out["warm_up_s"] is None and (m := WARM_DONE.search(log_path.read_text(errors="replace"))):
        out["warm_up_s"] = float(m.group(2))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--backend", choices=("neo4j", "falkordb"), default="neo4j")
    ap.add_argument("--home", type=Path, default=None,
                    help="the embedded store's data directory (falkordb: the engine starts with each serve)")
    ap.add_argument("--port", type=int, default=int(os.environ.get("NEO4J_PORT", NEO4J_PORT)))
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    password = os.environ.get("NEO4J_PASSWORD", NEO4J_PASSWORD)
    if args.backend == "neo4j":
        uri, _, memory = start_neo4j(args.port, password)
        os.environ.update(NEO4J_URI=uri, NEO4J_PASSWORD=password)   # serve processes inherit them
        config, modes = StoreConfig(backend="neo4j", neo4j_uri=uri, neo4j_password=password), MODES
        store_args, engine = ["--store", "neo4j"], f"Neo4j ({memory}), restarted before every serve"
    else:
        if args.home is None:
            ap.error("--home is needed with --backend falkordb")
        # no warm-up on the embedded engine: it is measured as it serves, started by each serve
        config, modes = StoreConfig(backend="falkordb", home=args.home), MODES[:1]
        store_args = ["--store", "falkordb", "--home", str(args.home)]
        engine = "embedded FalkorDB, started by every serve"
    pool = candidates(config)
    if not all(pool.values()):
        raise SystemExit("the store holds no deployments or models: load the demo organisation first")
    rng = random.Random(args.seed)
    rounds = []
    with tempfile.TemporaryDirectory(prefix="first-page-") as tmp:
        for r in range(args.rounds):
            uids = [rng.choice(pool[kind]) for kind in warmup.KINDS]
            order = modes[r % len(modes):] + modes[:r % len(modes)]   # each mode first once
            for mode in order:
                if args.backend == "neo4j":
                    restart_neo4j(args.port, password)
                result = one(mode, store_args, uids, Path(tmp))
                log(f"round {r + 1} {mode}: {result['pages']} (warm-up {result['warm_up_s']} s)")
                rounds.append(result)
    print(table(rounds, engine, modes))
    if args.json:
        args.json.write_text(json.dumps({"engine": engine, "rounds": rounds}, indent=1))
    return 0


def table(rounds: list[dict], engine: str, modes: tuple[str, ...] = MODES) -> str:
    """One row per mode: the first page, and each page kind, median and max over rounds."""
    lines = [f"{engine}; ms per page, median / max over {len(rounds) // len(modes)} rounds "
             f"(a deployment and a model each)", "",
             "| mode | first page asked | incident | artifact | impact | warm-up took (s) |",
             "|---|---:|---:|---:|---:|---:|"]
    for mode in modes:
        mine = [r for r in rounds if r["mode"] == mode]
        first = [next(iter(r["pages"].values())) for r in mine]
        cells = [_cell(first)]
        for page in PAGES:
            cells.append(_cell([ms for r in mine for k, ms in r["pages"].items() if k.startswith(page + " ")]))
        warm = [r["warm_up_s"] for r in mine if r["warm_up_s"] is not None]
        cells.append(_cell(warm, ".1f") if warm else "–")
        lines.append(f"| {mode} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(values: list[float], fmt: str = ".0f") -> str:
    return f"{stats.percentile(values, 0.5):{fmt}} / {max(values):{fmt}}" if values else "–"


if __name__ == "__main__":
    sys.exit(main())
