"""Reproduces the embedded engine's crash under overlapping reads, per node-slot setting.

    python -m bench.engine_race [--slots 128,16384,1048576] [--seconds 60] [--runs 1]

Why: the engine (this FalkorDB version) adds node slots in blocks; when a block fills,
every relation matrix must grow, and a *reader* grows the ones the write did not touch,
under a lock of its own only, while another reader may be multiplying that matrix (see
``graph_model/store/embedded.engine_settings``). This script makes that happen often: a
writer creates nodes of a label no reader asks for, 4 readers traverse relations the
writer never touches. Each run starts its own engine (ownergraph's settings, with only
``NODE_CREATION_BUFFER`` changed) on a unix socket in a temporary directory, stops by
itself after ``--seconds`` or at the crash, and reports how long the engine lasted, how
many reads and writes it answered, and the crashing thread's stack.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import redis

from graph_model.store import embedded

READS = ("MATCH (a:A)-[:R1]->(b)-[:R2]->(c) WHERE a.i % 97 = $k RETURN count(c)",
         "MATCH (c:C)<-[:R2]-(b)<-[:R3]-(a) WHERE c.i % 89 = $k RETURN count(a)")
WRITE = "UNWIND range(1, 50) AS i CREATE (:W {i: i})"
SEED = ("UNWIND range(1, 3000) AS i CREATE (a:A {i: i})-[:R1]->(b:B {i: i}), "
        "(b)-[:R2]->(:C {i: i}), (a)-[:R3]->(b)")


def settings(slots: int) -> list[str]:
    out = embedded.engine_settings()
    i = out.index("NODE_CREATION_BUFFER")
    out[i + 1] = str(slots)
    return out


def start(home: Path, slots: int) -> subprocess.Popen:
    redis_server, module = embedded._binaries()
    sock = home / "engine.sock"
    proc = subprocess.Popen(
        [redis_server, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
         "--dir", str(home), "--save", "", "--appendonly", "no", "--daemonize", "no",
         "--logfile", str(home / "engine.log"), "--loadmodule", module, *settings(slots)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            redis.Redis(unix_socket_path=str(sock)).ping()
            return proc
        except (redis.RedisError, OSError):
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the engine did not start within 30 s")


def crashing_stack(log: Path, keep: int = 16) -> list[str]:
    """The stack of the thread the engine's crash report marks as the one that crashed."""
    text = log.read_text(errors="replace") if log.exists() else ""
    start_at, end_at = text.find("STACK TRACE"), text.find("STACK TRACE DONE")
    for block in text[start_at:end_at].split("\n\n"):
        lines = block.strip().splitlines()
        if lines and lines[0].endswith("*"):
            return [line.rsplit("/", 1)[-1] for line in lines[:keep]]
    return []


def run_once(slots: int, seconds: float) -> dict:
    home = Path(tempfile.mkdtemp(prefix="og-race-"))
    proc = start(home, slots)
    sock = str(home / "engine.sock")
    redis.Redis(unix_socket_path=sock).execute_command("GRAPH.QUERY", "g", SEED)
    stop = threading.Event()
    counts = {"reads": 0, "writes": 0}
    failures: list[str] = []
    lock = threading.Lock()

    def loop(kind: str, query) -> None:
        conn = redis.Redis(unix_socket_path=sock)
        n = 0
        while not stop.is_set():
            try:
                if kind == "writes":
                    conn.execute_command("GRAPH.QUERY", "g", WRITE)
                else:
                    conn.execute_command("GRAPH.RO_QUERY", "g", query(n))
            except (redis.RedisError, OSError) as e:
                with lock:
                    failures.append(f"{kind}: {e}")
                stop.set()
                return
            n += 1
            with lock:
                counts[kind] += 1

    threads = [threading.Thread(target=loop, args=("reads", lambda n, k=k: f"CYPHER k={k} " + READS[n % 2]))
               for k in range(4)]
    threads.append(threading.Thread(target=loop, args=("writes", None)))
    t0 = time.monotonic()
    for t in threads:
        t.start()
    while time.monotonic() - t0 < seconds and not stop.is_set():
        time.sleep(0.1)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    lasted = time.monotonic() - t0
    crashed = proc.poll() is not None and bool(failures)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    result = {"slots": slots, "seconds": round(lasted, 1), "crashed": crashed, **counts,
              "nodes_written": counts["writes"] * 50,
              "stack": crashing_stack(home / "engine.log") if crashed else []}
    shutil.rmtree(home, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--slots", default=f"128,16384,{embedded.NODE_SLOTS}",
                   help="comma-separated NODE_CREATION_BUFFER values (default: 128, the engine's "
                        "default, ownergraph's)")
    p.add_argument("--seconds", type=float, default=60.0, help="the longest one run lasts (default 60)")
    p.add_argument("--runs", type=int, default=1, help="runs per setting (default 1)")
    args = p.parse_args(argv)
    out = []
    for slots in (int(s) for s in args.slots.split(",")):
        for _ in range(args.runs):
            r = run_once(slots, args.seconds)
            print(f"slots {slots}: {'crashed' if r['crashed'] else 'ran'} after {r['seconds']} s, "
                  f"{r['reads']} reads, {r['writes']} writes", file=sys.stderr, flush=True)
            out.append(r)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
