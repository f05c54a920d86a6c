"""The load suite (issue 7, section 4), one command:

    python -m bench.load --sizes 100000 --backends falkordb,neo4j

Reads during a bulk load, reads while the console is saturated, the hotspot pages and
``/`` between and during writes, and a bounded locust run, each backend and size in its
own process (``bench.load_measure``), every measurement with its quiet baseline from the
same run. The table is printed and written between the load-result markers of
``bench/README.md`` with the commit, the machine, the date and this command.

Neo4j: the same dedicated server as ``bench.run`` (port 7688 unless ``--neo4j-port``),
started or found running through ``tools/neo4j-local/start``; the suite empties it.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from . import load_report
from .run import NEO4J_PASSWORD, NEO4J_PORT, README, ROOT, git, log, machine, start_neo4j, write_readme

START, END = "<!-- load-results:start -->", "<!-- load-results:end -->"
PASS_THROUGH = ("extra_size", "warmup_size", "sample", "baseline_reads", "console_seconds", "page_requests",
                "page_budget", "locust_users", "locust_rate", "locust_seconds", "stream_seconds", "stream_interval")


def run_worker(args: list[str], out: Path, timeout: float) -> dict | None:
    """One ``bench.load_measure`` process; None when it failed or overran ``timeout``."""
    cmd = [sys.executable, "-m", "bench.load_measure", *args, "--out", str(out)]
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, timeout=timeout)
    except subprocess.TimeoutExpired:
        log(f"load_measure {' '.join(args[:4])} overran {timeout:.0f} s and was stopped")
        return None
    if proc.returncode != 0:
        log(f"load_measure {' '.join(args[:4])} FAILED (exit {proc.returncode})")
        return None
    log(f"load_measure {' '.join(args[:4])} done in {time.perf_counter() - started:.0f} s")
    return json.loads(out.read_text())


def results_block(results: list[dict], meta: dict) -> str:
    dirty = meta["dirty"]
    return "\n".join([
        START,
        f"Measured on commit `{meta['commit']}`"
        + (f" (with uncommitted changes in {', '.join(dirty[:8])}{' ...' if len(dirty) > 8 else ''})" if dirty else "")
        + f", {meta['date']}, on {meta['machine']}." + (f" Neo4j 5 community, {meta['neo4j']}." if meta.get("neo4j") else ""),
        "",
        f"Command: `{meta['command']}` ({meta['minutes']:.0f} min).",
        "",
        load_report.table(results),
        "",
        "Latencies are p50 / p95 / max in ms, nearest-rank, warm-up excluded; each row's quiet baseline is "
        "the row above it, measured in the same run just before.",
        "",
        "Targets:",
        "",
        *load_report.verdicts(results),
        "",
        "Notes on this run:",
        "",
        *load_report.notes(results),
        END,
    ])


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description="ownergraph load suite (issue 7, section 4)")
    ap.add_argument("--sizes", default="100000", help="artifacts loaded before the measurements, comma separated")
    ap.add_argument("--backends", default="falkordb,neo4j")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--extra-size", type=int, default=0, help="second organisation (default: size/5, at least 5000)")
    ap.add_argument("--warmup-size", type=int, default=10000,
                    help="artifacts of the uncounted first load beside reads (0: none)")
    ap.add_argument("--sample", type=int, default=200)
    ap.add_argument("--baseline-reads", type=int, default=400)
    ap.add_argument("--console-seconds", type=float, default=30.0)
    ap.add_argument("--page-requests", type=int, default=20)
    ap.add_argument("--page-budget", type=float, default=120.0)
    ap.add_argument("--locust-users", type=int, default=20)
    ap.add_argument("--locust-rate", type=float, default=5.0)
    ap.add_argument("--locust-seconds", type=int, default=60)
    ap.add_argument("--stream-seconds", type=float, default=60.0)
    ap.add_argument("--stream-interval", type=float, default=1.0)
    ap.add_argument("--worker-timeout", type=float, default=5400.0, help="seconds one backend and size may take")
    ap.add_argument("--neo4j-port", type=int, default=NEO4J_PORT)
    ap.add_argument("--readme", default=str(README), help="where to write the table ('-': nowhere)")
    ap.add_argument("--json", default=None, help="also write the raw measurements here")
    args = ap.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    backends = [b.strip() for b in args.backends.split(",")]
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0).isoformat()
    started = time.perf_counter()
    meta = {"commit": git("rev-parse", "--short", "HEAD"), "date": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
            "machine": machine(), "command": ".venv/bin/python -m bench.load " + shlex.join(argv),
            "dirty": [ln[3:] for ln in git("status", "--porcelain").splitlines()
                      if not ln[3:].startswith(("bench/", "tests/bench/"))]}
    neo = []
    if "neo4j" in backends:
        uri, _, meta["neo4j"] = start_neo4j(args.neo4j_port, NEO4J_PASSWORD)
        neo = ["--neo4j-uri", uri, "--neo4j-password", NEO4J_PASSWORD]
    passed = []
    for key in PASS_THROUGH:
        passed += [f"--{key.replace('_', '-')}", str(getattr(args, key))]
    work = Path(tempfile.mkdtemp(prefix="ogload-"))
    results = []
    for size in sizes:
        for backend in backends:
            log(f"{backend} {size}: starting")
            r = run_worker(["--backend", backend, "--size", str(size), "--seed", str(args.seed), "--now", now,
                            *passed, *(neo if backend == "neo4j" else [])],
                           work / f"{backend}-{size}.json", args.worker_timeout)
            if r:
                results.append(r)
    meta["minutes"] = (time.perf_counter() - started) / 60
    block = results_block(results, meta)
    print(block)
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=1))
    if args.readme != "-":
        write_readme(block, Path(args.readme), START, END)
        log(f"wrote {args.readme}")


if __name__ == "__main__":
    main()
