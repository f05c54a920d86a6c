"""The load suite for one backend at one size, in its own process:
``python -m bench.load_measure --backend falkordb --size 100000 --now ... --out F.json``.

Order: fresh store -> timed load of the demo organisation (size N) -> reads during a
first namespaced organisation's bulk load (``--warmup-size``, reported apart and not
counted: the first load beside reads after an engine start) -> reads during a second
one's -> ``ownergraph serve`` on that store ->
incident over HTTP, quiet and with 2 then 4 heavy console queries -> hotspot pages and
``/`` between writes -> locust (20 responders, 60 s) -> the pages while small writes
stream in -> the server stopped, the store removed (FalkorDB) or emptied (Neo4j).

Each measurement is bounded in time, and one that fails is recorded as an error in the
JSON without losing the others. The embedded FalkorDB store uses the default graph name
so that the served app (``--home``) reads the same graph; this process keeps its lease
while the app runs, so the app reuses the running engine (no replay of the log).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

from graph_model import demo

from . import load_scenarios as sc
from .locust_run import locust_run
from .measure import measure_ingest, wipe_neo4j
from .sample import choose
from .served import serve


def server_errors(log: Path, keep: int = 3) -> list[str]:
    """The last ``keep`` tracebacks (or ERROR lines) the app server logged, 40 lines each."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback") or " ERROR " in line]
    return ["\n".join(lines[i:i + 40]) for i in starts[-keep:]]


class LoadedStore:
    """A fresh store of one engine, and how other processes reach it."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.home: Path | None = None
        if args.backend == "falkordb":
            from graph_model.store.falkordb_store import FalkorDBStore
            self.home = Path(tempfile.mkdtemp(prefix="ogl-"))   # short: unix socket path limit
            self.store = FalkorDBStore(home=self.home)
            self.cli_args = ["--store", "falkordb", "--home", str(self.home)]
            self.writer_args = ["--backend", "falkordb", "--home", str(self.home)]
        else:
            from graph_model.store.neo4j_store import Neo4jStore
            wipe_neo4j(args.neo4j_uri, args.neo4j_password)
            self.store = Neo4jStore(args.neo4j_uri, "neo4j", args.neo4j_password)
            self.cli_args = ["--store", "neo4j", "--neo4j-uri", args.neo4j_uri,
                             "--neo4j-password", args.neo4j_password]
            self.writer_args = ["--backend", "neo4j", "--neo4j-uri", args.neo4j_uri,
                                "--neo4j-password", args.neo4j_password]
        self.store.ensure_schema()

    def close(self) -> None:
        self.store.close()
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
        else:
            wipe_neo4j(self.args.neo4j_uri, self.args.neo4j_password)


def _step(result: dict, key: str, fn) -> None:
    """Run one measurement; on failure keep the error (and go on with the next)."""
    started = time.perf_counter()
    print(f"[{datetime.now():%H:%M:%S}] {result['backend']} {result['size']}: {key}", file=sys.stderr, flush=True)
    try:
        result[key] = fn()
    except Exception as e:
        traceback.print_exc()
        result[key] = {"error": f"{type(e).__name__}: {e}"[:500]}
    result.setdefault("step_seconds", {})[key] = round(time.perf_counter() - started, 1)


def run(args: argparse.Namespace) -> dict:
    now = datetime.fromisoformat(args.now).astimezone(timezone.utc)
    sample = choose(args.size, args.seed, now, args.sample)
    uids = sample.uids
    extra = args.extra_size or max(5000, args.size // 5)
    owner = next(demo.iter_demo_chunks(size=args.size, seed=args.seed, now=now, chunk_artifacts=1))["people"][0]["id"]
    result: dict = {"backend": args.backend, "size": args.size, "seed": args.seed, "now": args.now,
                    "sample": {"n": len(uids), "mix": sample.counts()}, "cpus": os.cpu_count(),
                    "load_average": {"start": sc.load_avg()}}
    work = Path(tempfile.mkdtemp(prefix="ogl-work-"))
    st = LoadedStore(args)
    try:
        _step(result, "base_load", lambda: measure_ingest(st.store, args.size, args.seed, now))
        if args.warmup_size:
            # the first load with reads beside it after an engine start, not counted: on
            # Neo4j the JVM's compiler then takes a core for a while (bench/README.md)
            _step(result, "bulk_warmup", lambda: sc.reads_during_bulk(
                st.store, uids, st.writer_args, work, baseline_reads=sc.WARMUP, extra_size=args.warmup_size,
                seed=args.seed + 2, now=args.now, timeout=args.bulk_timeout, prefix="x1"))
        _step(result, "bulk", lambda: sc.reads_during_bulk(
            st.store, uids, st.writer_args, work, baseline_reads=args.baseline_reads, extra_size=extra,
            seed=args.seed + 1, now=args.now, timeout=args.bulk_timeout))
        with serve(st.cli_args, work / "serve.log") as (port, flags):
            result["serve_flags"] = flags
            _step(result, "http_baseline", lambda: sc.http_baseline(port, uids, args.baseline_reads))
            for k in (2, 4):
                _step(result, f"console_{k}", lambda k=k: sc.reads_while_console(
                    port, uids, k, args.console_seconds, args.request_timeout, args.console_query))
                time.sleep(2)   # let the last console queries end in the engine
            _step(result, "pages_quiet", lambda: sc.pages_between_writes(
                port, args.page_requests, args.page_budget, args.request_timeout))
            if args.locust_seconds:
                _step(result, "locust", lambda: locust_run(
                    port, uids, work, users=args.locust_users, spawn_rate=args.locust_rate,
                    seconds=args.locust_seconds))
            # why a request failed is in the server's log, which goes with the work directory
            result["server_log_errors"] = server_errors(work / "serve.log")
            _step(result, "pages_writing", lambda: sc.pages_while_writing(
                port, st.writer_args, work, seconds=args.stream_seconds, interval=args.stream_interval,
                owner=owner, timeout=args.request_timeout))
    finally:
        try:
            st.close()
        except Exception as e:   # the numbers are taken; a failed clean-up is only reported
            print(f"clean-up failed: {e}", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
    result["load_average"]["end"] = sc.load_avg()
    return result


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=("falkordb", "neo4j"), required=True)
    ap.add_argument("--size", type=int, required=True, help="artifacts loaded before the measurements")
    ap.add_argument("--extra-size", type=int, default=0,
                    help="artifacts of the second organisation loaded during reads (default: size/5, at least 5000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--warmup-size", type=int, default=10000,
                    help="artifacts of the uncounted first load beside reads (0: none)")
    ap.add_argument("--now", required=True, help="ISO-8601 instant the demo is generated around")
    ap.add_argument("--sample", type=int, default=200)
    ap.add_argument("--baseline-reads", type=int, default=400, help="timed reads of each quiet baseline")
    ap.add_argument("--bulk-timeout", type=float, default=1800.0, help="seconds the second load may take")
    ap.add_argument("--console-seconds", type=float, default=30.0, help="reads while the console is saturated")
    ap.add_argument("--console-query", default=sc.HEAVY, help="the heavy console query")
    ap.add_argument("--request-timeout", type=float, default=120.0, help="client timeout of one HTTP request")
    ap.add_argument("--page-requests", type=int, default=20, help="timed requests per page between writes")
    ap.add_argument("--page-budget", type=float, default=120.0, help="seconds per page between writes")
    ap.add_argument("--locust-users", type=int, default=20)
    ap.add_argument("--locust-rate", type=float, default=5.0)
    ap.add_argument("--locust-seconds", type=int, default=60, help="0: skip locust")
    ap.add_argument("--stream-seconds", type=float, default=60.0, help="pages read while writes stream in")
    ap.add_argument("--stream-interval", type=float, default=1.0, help="seconds between streamed write units")
    ap.add_argument("--neo4j-uri", default=None)
    ap.add_argument("--neo4j-password", default=None)
    ap.add_argument("--out", default=None)
    return ap


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    result = run(args)
    text = json.dumps(result, indent=1, sort_keys=True)
    if args.out:
        Path(args.out).write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
