"""What a console query that stops its engine does to the pages' reads, with the console
on its own replica (the default) or sharing the pages' engine.

    python -m bench.console_engine --home DIR [--mode replica|shared] [--after 25]

DIR holds an organisation loaded before (``ownergraph --home DIR demo --size N
--no-serve``); it is copied, never changed. Steps, each bounded in time:

1. open the copy; one thread reads ``incident`` of a deployment in a loop (the service, in
   process) for 3 s: the quiet baseline;
2. the first console query (with the replica: it starts and copies the whole graph), the
   reads going on: how long it took, the reads during it, and both engines' RSS;
3. ``WITH 2000000000 AS n RETURN size(range(1, n))`` (one 32 GB allocation, past the
   engine's ceiling): the error, then ``--after`` seconds of the same reads: latencies,
   how many were refused with 503 and for how long, and whether the pages' engine is the
   same process;
4. console queries until one answers: how long the console was away.

Prints one JSON object. Loopback only; the copy is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

STOPPING = "WITH 2000000000 AS n RETURN size(range(1, n)) AS s"
COUNT = "MATCH (a:Artifact) RETURN count(a) AS n"


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, int(p / 100 * len(s)))] * 1000, 1)


def _summary(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": _pct(values, 50), "p95_ms": _pct(values, 95), "max_ms": _pct(values, 100)}


def _rss_mb(home: Path, pid_file: str) -> int | None:
    try:
        pid = int((home / pid_file).read_text())
        return int(Path(f"/proc/{pid}/status").read_text().split("VmRSS:")[1].split()[0]) // 1024
    except (OSError, ValueError, IndexError):
        return None


class Reader:
    """Incident reads in a loop; each one's start and duration, refusals apart."""

    def __init__(self, store, uid: str) -> None:
        self.store, self.uid = store, uid
        self.done: list[tuple[float, float]] = []
        self.refused: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from graph_model.errors import StoreUnavailable
        from graph_model.services import incident
        while not self.stop.is_set():
            t0 = time.time()
            try:
                incident.incident(self.store, self.uid)
                self.done.append((t0, time.time() - t0))
            except StoreUnavailable:
                self.refused.append(t0)
                time.sleep(0.1)

    def between(self, start: float, end: float) -> list[float]:
        return [d for t0, d in self.done if start <= t0 < end]


def run(args: argparse.Namespace) -> dict:
    os.environ["OWNERGRAPH_CONSOLE_ENGINE"] = args.mode
    from graph_model.errors import StoreUnavailable
    from graph_model.store.factory import StoreConfig, open_recovering

    home = Path(tempfile.mkdtemp(prefix="og-bce-"))
    shutil.rmtree(home)
    shutil.copytree(args.home, home, ignore=shutil.ignore_patterns("leases", "*.sock", "*.pid", "*.port"))
    out: dict = {"mode": args.mode}
    started = time.time()
    store = open_recovering(StoreConfig(backend="falkordb", home=home))
    try:
        store.read("audit_head")
        out["open_s"] = round(time.time() - started, 1)
        uid = store.read("search_artifacts", q="deploy", limit=1)[0]["uid"]
        reader = Reader(store, uid)
        reader.thread.start()
        time.sleep(3)
        t_first = time.time()
        store.query_readonly(COUNT, {}, 120_000, 10)
        t_answered = time.time()
        out["first_console_query_s"] = round(t_answered - t_first, 1)
        out["reads_quiet"] = _summary(reader.between(0, t_first))
        out["reads_during_first_console_query"] = _summary(reader.between(t_first, t_answered))
        out["rss_mb"] = {"main": _rss_mb(home, "falkordb.pid"), "console": _rss_mb(home, "console.pid")}
        main_pid = (home / "falkordb.pid").read_text()
        time.sleep(2)
        t_stop = time.time()
        try:
            store.query_readonly(STOPPING, {}, 10_000, 10)
            out["stopping_query"] = "answered"
        except StoreUnavailable as e:
            out["stopping_query"] = f"{type(e).__name__} after {time.time() - t_stop:.2f} s"
        time.sleep(args.after)
        reader.stop.set()
        reader.thread.join(30)
        out["reads_after_the_stop"] = _summary(reader.between(t_stop, time.time()))
        refused = [t for t in reader.refused if t >= t_stop]
        out["reads_refused_503"] = len(refused)
        out["pages_refused_for_s"] = round(max(refused) - t_stop, 1) if refused else 0.0
        out["pages_engine_same_process"] = (home / "falkordb.pid").read_text() == main_pid
        t_back = time.time()
        while True:
            try:
                store.query_readonly(COUNT, {}, 120_000, 10)
                break
            except StoreUnavailable:
                if time.time() - t_back > 300:
                    raise
                time.sleep(0.5)
        out["console_back_after_s"] = round(time.time() - t_back, 1)
    finally:
        store.close()
        shutil.rmtree(home, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--home", required=True, help="a data directory holding a loaded organisation (copied)")
    p.add_argument("--mode", choices=("replica", "shared"), default="replica")
    p.add_argument("--after", type=float, default=25.0, help="seconds of reads after the stopping query")
    print(json.dumps(run(p.parse_args(argv)), indent=2))


if __name__ == "__main__":
    main()
