"""OpenLineage ingest under load, on loopback: a served app, real HTTP, keep-alive clients.

    python -m bench.lineage --size 100000 --backend falkordb [--seconds 60]

Steps (each bounded in time or count):

1. preload the demo organisation of ``--size`` artifacts (``ownergraph demo`` data);
2. serve it with ``ownergraph serve`` (waitress, 8 threads) in its own process, and wait
   until its warm-up (``app.warmup``, Neo4j only) has ended: the streams measure its
   steady state;
3. ``single``: 4 client threads post one RunEvent per request (START then COMPLETE of
   new runs of a 200-job layered pipeline) for ``--seconds``; while they run, a fifth
   thread asks ``/api/v1/incident`` of a preloaded deployment: its p95 is the
   "incident during the stream" figure;
4. ``batch``: 4 threads post batches of 100 such events for ``--seconds``, as fast as
   they are answered or, with ``--rate N``, paced to offer N events/s (with ``--queue``
   the applied rate and how far the writer fell behind then say whether a feed of that
   rate is kept up with);
5. ``anchors``: the Marquez anchor workload (10 layers x 200 jobs, 2,100 datasets of
   which 100 are sources; each job reads 2-3 datasets of earlier layers, at least one
   of the layer before, and writes one; START + COMPLETE per run, one event per request,
   4 threads with keep-alive): 4,000 events of new jobs, then 4,000 of new runs of the
   known jobs.

With ``--queue`` the server answers once the checked events are on disk
(``serve --lineage-queue``) and applies them behind the answers: each stream then also
reports the events applied per second from its first request until the queue was empty
(``applied_events_per_s``), how long that took after the last answer (``drain_s``) and
the rate in that time, with no feed posting (``drain_events_per_s``), and
how far behind the writer was at most while it ran (``behind_max_s``); the incident
probe runs until the queue is empty.

Targets (issue 10): single >= 300 events/s, batches >= 2,000 events/s, incident p95
<= 100 ms during the stream. Marquez on the anchor workload: 52 (new jobs) and 72 (new
runs) events/s. Neo4j runs on a dedicated port (never 7687, which the tests wipe).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCER = "https://ownergraph.example/bench/lineage"
CLIENTS = 4


def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


# -- the layered workload ---------------------------------------------------------------

class Layered:
    """10 layers x 200 jobs over 2,100 datasets (100 sources), as ANCHORS.md describes."""

    def __init__(self, layers: int = 10, jobs: int = 200, sources: int = 100, seed: int = 11,
                 prefix: str = "bench") -> None:
        rng = random.Random(seed)
        self.ns_job, self.ns_data = f"{prefix}_jobs", f"postgres://{prefix}-db:5432"
        self.jobs = []
        produced: list[list[str]] = [[f"src.t{i:03d}" for i in range(sources)]]
        for layer in range(layers):
            outs = []
            for j in range(jobs):
                earlier = [d for lay in produced for d in lay]
                reads = {rng.choice(produced[-1])}
                while len(reads) < rng.choice((2, 3)):
                    reads.add(rng.choice(earlier))
                out = f"l{layer:02d}.d{j:03d}"
                outs.append(out)
                self.jobs.append({"name": f"l{layer:02d}.job{j:03d}", "inputs": sorted(reads), "output": out})
            produced.append(outs)

    def run_events(self, job: dict, at: datetime) -> list[dict]:
        rid = str(uuid.uuid4())
        base = {"producer": PRODUCER, "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json",
                "run": {"runId": rid}, "job": {"namespace": self.ns_job, "name": job["name"]},
                "inputs": [{"namespace": self.ns_data, "name": d} for d in job["inputs"]],
                "outputs": [{"namespace": self.ns_data, "name": job["output"]}]}
        t = at.isoformat().replace("+00:00", "Z")
        t2 = (at + timedelta(seconds=30)).isoformat().replace("+00:00", "Z")
        return [dict(base, eventType="START", eventTime=t), dict(base, eventType="COMPLETE", eventTime=t2)]


class Clock:
    """Strictly increasing event times shared by the client threads, from a day back or
    just after ``after_ms`` (the newest run time a reused store holds), whichever is
    later. Why: on a store earlier runs grew, events that start a day back again come
    before versions already stored, and every input's version is then looked up by a
    scan (in process, 1,231 events/s against 1,514), which real feeds never ask for."""

    def __init__(self, after_ms: int | None = None) -> None:
        self.t = datetime.now(timezone.utc) - timedelta(days=1)
        if after_ms:
            self.t = max(self.t, datetime.fromtimestamp(after_ms / 1000, timezone.utc) + timedelta(minutes=1))
        self.lock = threading.Lock()

    def next(self) -> datetime:
        with self.lock:
            self.t += timedelta(seconds=1)
            return self.t


# -- HTTP -------------------------------------------------------------------------------

#: the feed's credential: a token with the ``lineage`` and ``read`` scopes, as a pipeline
#: holds one (made by ``preload`` on the store the server then serves)
AUTH: dict[str, str] = {}


class Client:
    """One keep-alive connection, sending the feed's token."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path: str, body: object) -> tuple[int, float]:
        data = json.dumps(body).encode()
        t0 = time.perf_counter()
        self.conn.request("POST", path, body=data, headers={"Content-Type": "application/json", **AUTH})
        r = self.conn.getresponse()
        r.read()
        return r.status, (time.perf_counter() - t0) * 1000

    def get(self, path: str) -> tuple[int, float]:
        t0 = time.perf_counter()
        self.conn.request("GET", path, headers=AUTH)
        r = self.conn.getresponse()
        r.read()
        return r.status, (time.perf_counter() - t0) * 1000


def stream(port: int, make: callable, seconds: float | None, count: int | None, path: str,
           per_request: int, rate: float | None = None) -> dict:
    """4 threads posting what ``make(i)`` returns until ``seconds`` pass or ``count``
    requests are sent; events/s, request latencies, errors. With ``rate`` (events/s) the
    feed is paced: request ``i`` is sent no earlier than ``i * per_request / rate`` seconds
    after the start (late ones go at once), the way a pipeline's events arrive, instead of
    as fast as the answers come back."""
    lat: list[float] = []
    errors: list[int] = []
    sent = [0]
    lock = threading.Lock()
    t0 = time.perf_counter()
    stop = t0 + seconds if seconds else None

    def worker() -> None:
        c = Client(port)
        while True:
            with lock:
                if (count is not None and sent[0] >= count) or (stop and time.perf_counter() >= stop):
                    return
                i = sent[0]
                sent[0] += 1
            if rate:
                due = t0 + i * per_request / rate
                if stop and due >= stop:
                    return
                time.sleep(max(0.0, due - time.perf_counter()))
            try:
                status, ms = c.post(path, make(i))
            except OSError as e:       # a timeout or a dropped connection counts as an error
                status, ms = 599, 0.0
                log(f"request failed: {e}")
                c = Client(port)
            with lock:
                lat.append(ms)
                if status >= 300:
                    errors.append(status)

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    n = len(lat) * per_request
    return {"requests": len(lat), "events": n, "seconds": round(elapsed, 1), "offered_per_s": rate,
            "events_per_s": round(n / elapsed, 1), "p50_ms": round(pct(lat, 50), 1),
            "p95_ms": round(pct(lat, 95), 1), "errors": len(errors), "error_statuses": sorted(set(errors))}


def _status(port: int) -> dict:
    c = Client(port)
    c.conn.request("GET", "/api/v1/lineage/status", headers=AUTH)
    r = c.conn.getresponse()
    body = json.loads(r.read())
    c.conn.close()
    return body


def queued(run_stream: callable, port: int, timeout: float = 900.0) -> dict:
    """``run_stream()`` against a queued server, then wait until the queue is empty: the
    stream's figures plus the applied rate, the drain time and the most the writer fell behind."""
    behind: list[float] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.5):
            behind.append(_status(port).get("behind_s") or 0.0)
    before = _status(port)
    w = threading.Thread(target=watch)
    w.start()
    t0 = time.perf_counter()
    out = run_stream()
    ended = time.perf_counter()
    at_end = _status(port)["applied_events"]
    deadline = ended + timeout
    while True:
        st = _status(port)
        if st["pending_bytes"] == 0 or time.perf_counter() > deadline:
            break
        time.sleep(0.05)
    drained = time.perf_counter()
    stop.set()
    w.join()
    applied = st["applied_events"] - before["applied_events"]
    out.update({"applied_events": applied, "applied_events_per_s": round(applied / (drained - t0), 1),
                "drain_s": round(drained - ended, 2), "behind_max_s": round(max(behind, default=0.0), 2),
                # the writer's own pace once no feed posts (the clients, the intake and the
                # writer share the machine until then)
                "drain_events_per_s": (round((st["applied_events"] - at_end) / (drained - ended), 1)
                                       if drained - ended > 1 else None),
                "rejected": st["rejected"] - before["rejected"], "drained": st["pending_bytes"] == 0,
                "units": st["units"] - before["units"]})
    return out


def incident_probe(port: int, uid: str, stop: threading.Event, out: list[float]) -> None:
    from urllib.parse import quote
    c = Client(port)
    while not stop.is_set():
        status, ms = c.get(f"/api/v1/incident?artifact={quote(uid, safe='')}")
        if status == 200:
            out.append(ms)
        time.sleep(0.05)


# -- set-up -----------------------------------------------------------------------------

def _artifacts(store) -> int:
    return store.query_readonly("MATCH (a:Artifact) RETURN count(a) AS n", {}, 60_000, 1).rows[0][0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_args(args: argparse.Namespace, home: Path) -> list[str]:
    if args.backend == "neo4j":
        return ["--store", "neo4j", "--neo4j-uri", args.neo4j_uri, "--neo4j-user", "neo4j",
                "--neo4j-password", args.neo4j_password]
    return ["--store", "falkordb", "--home", str(home)]


def preload(args: argparse.Namespace, home: Path) -> tuple[str, float, int | None]:
    """Load the demo organisation; (a deployment uid to ask incidents of, seconds, the
    newest run time already stored in ms, if any)."""
    from graph_model import demo
    from graph_model.ingest import bulk
    from graph_model.store import StoreConfig, open_store
    if args.backend == "neo4j":
        config = StoreConfig(backend="neo4j", neo4j_uri=args.neo4j_uri, neo4j_user="neo4j",
                             neo4j_password=args.neo4j_password)
    else:
        config = StoreConfig(backend="falkordb", home=home)
    t0 = time.perf_counter()
    if args.from_home:   # a copy of an organisation loaded before (its own data directory)
        shutil.rmtree(home)
        shutil.copytree(args.from_home, home, ignore=shutil.ignore_patterns("leases", "*.sock", "*.pid"))
    with open_store(config) as store:
        loaded = _artifacts(store) if args.reuse and args.backend == "neo4j" else 0
        reuse = loaded >= args.size
        if reuse:
            log(f"neo4j: reusing the organisation already loaded ({loaded} artifacts)")
        if not args.from_home and not reuse:
            store.clear()
            store.ensure_schema()
            now = datetime.now(timezone.utc)
            bulk.ingest_chunks(store, demo.iter_demo_chunks(size=args.size, seed=7, now=now,
                                                            chunk_artifacts=store.bulk_chunk), actor="bench")
        uid = store.read("search_artifacts", q="deploy", limit=1)[0]["uid"]
        newest = store.query_readonly("MATCH (r:Run) RETURN max(coalesce(r.ended_at, r.seen_at)) AS t",
                                      {}, 60_000, 1).rows[0][0]
        elapsed = time.perf_counter() - t0
        from app.access import tokens
        person = store.read("first_active_person")[0]["id"]
        issued = tokens.create(store, person=person, team=None, scopes=["read", "lineage"],
                               actor="bench", name=f"bench-feed-{uuid.uuid4().hex[:8]}")
        AUTH["Authorization"] = f"Bearer {issued.token}"
    return uid, elapsed, newest


def serve(args: argparse.Namespace, home: Path, port: int) -> subprocess.Popen:
    logf = open(home / "serve.log", "wb")
    queue = ["--lineage-queue", str(home / "lineage-queue")] if args.queue else []
    proc = subprocess.Popen([sys.executable, "-c", "from app.cli import main; main()", *cli_args(args, home),
                             "serve", "--port", str(port), *queue], stdout=subprocess.DEVNULL, stderr=logf,
                            cwd=ROOT)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            c = Client(port)
            if c.get("/healthz")[0] == 200:
                return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("the server exited: " + (home / "serve.log").read_text()[-2000:])
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("the server did not answer within 120 s")


#: the longest the streams wait for the server's warm-up (``app.warmup``) to end
WARM_UP_WAIT_S = 300.0


def warmed_up(server_log: Path) -> str:
    """Wait (at most ``WARM_UP_WAIT_S``) until the server says its warm-up ended; its line.

    Why: the warm-up renders the responders' pages once after a start, the first hotspot
    ranking of the whole catalogue among them (at 100k, 10-20 s of the web process's
    time), and the streams measure the server's steady state: started beside it, the
    first seconds of a stream measured the server's own start-up work."""
    deadline = time.monotonic() + WARM_UP_WAIT_S
    while time.monotonic() < deadline:
        lines = [ln for ln in server_log.read_text(errors="replace").splitlines() if "warm-up: planned" in ln]
        if lines:
            return lines[-1].split("warm-up: ", 1)[1]
        time.sleep(0.5)
    return f"not ended after {WARM_UP_WAIT_S:.0f} s; streams started beside it"


def run(args: argparse.Namespace) -> dict:
    home = Path(tempfile.mkdtemp(prefix="og-bl-"))
    result: dict = {"backend": args.backend, "size": args.size, "seconds": args.seconds, "queue": args.queue}
    proc = None
    try:
        log(f"preloading {args.size} artifacts into {args.backend} ...")
        incident_uid, secs, newest_run = preload(args, home)
        result["preload_s"] = round(secs, 1)
        port = free_port()
        proc = serve(args, home, port)
        log(f"serving on 127.0.0.1:{port}; incident probe on {incident_uid}")
        result["warm_up"] = (warmed_up(home / "serve.log") if args.backend == "neo4j"
                             else "none (the server warms up Neo4j only)")
        log(f"the server's warm-up: {result['warm_up']}")
        clock = Clock(newest_run)
        work = Layered(prefix="stream")
        if "single" in args.only:
            events = []

            def single(i: int) -> dict:
                if not events:
                    events.extend(work.run_events(work.jobs[(i // 2) % len(work.jobs)], clock.next()))
                return events.pop(0)
            lock = threading.Lock()

            def make(i: int) -> dict:
                with lock:
                    return single(i)
            probe: list[float] = []
            stop = threading.Event()
            t = threading.Thread(target=incident_probe, args=(port, incident_uid, stop, probe))
            t.start()
            single_stream = lambda: stream(port, make, args.seconds, None, "/api/v1/lineage", 1)  # noqa: E731
            result["single"] = queued(single_stream, port) if args.queue else single_stream()
            stop.set()
            t.join()
            result["incident_during_stream"] = {"n": len(probe), "p50_ms": round(pct(probe, 50) or 0, 1),
                                                "p95_ms": round(pct(probe, 95) or 0, 1)}
            log(f"single: {result['single']}; incident {result['incident_during_stream']}")
        if "batch" in args.only:
            lock = threading.Lock()

            def batch(i: int) -> list[dict]:
                with lock:
                    out = []
                    for k in range(50):
                        out += work.run_events(work.jobs[(i * 50 + k) % len(work.jobs)], clock.next())
                    return out
            batch_stream = lambda: stream(port, batch, args.seconds, None, "/api/v1/lineage/batch", 100,  # noqa: E731
                                          args.rate)
            result["batch"] = queued(batch_stream, port) if args.queue else batch_stream()
            log(f"batch: {result['batch']}")
        if "anchors" in args.only:
            anchor = Layered(layers=args.layers, jobs=args.jobs, prefix="anchor")
            lock = threading.Lock()
            pending: list[dict] = []

            def anchored(i: int) -> dict:
                with lock:
                    if not pending:
                        pending.extend(anchor.run_events(anchor.jobs[(i // 2) % len(anchor.jobs)], clock.next()))
                    return pending.pop(0)
            anchor_stream = lambda: stream(port, anchored, None, 2 * len(anchor.jobs), "/api/v1/lineage", 1)  # noqa: E731
            result["anchors_new_jobs"] = queued(anchor_stream, port) if args.queue else anchor_stream()
            log(f"anchors, new jobs: {result['anchors_new_jobs']}")
            pending.clear()
            result["anchors_new_runs"] = queued(anchor_stream, port) if args.queue else anchor_stream()
            log(f"anchors, new runs: {result['anchors_new_runs']}")
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            from .load_measure import server_errors   # the load bench keeps them the same way
            result["server_log_errors"] = server_errors(home / "serve.log", keep=5)
            result["server_log_outages"] = outages(home / "serve.log")
            if result["server_log_outages"] and (home / "falkordb.log").exists():   # why the engine went away
                result["engine_log"] = engine_events(home / "falkordb.log")
                result["engine_crash_reports"] = crash_reports(home / "falkordb.log")
        if args.backend == "falkordb":
            _stop_embedded(home)
        shutil.rmtree(home, ignore_errors=True)
    return result


def outages(log: Path, keep: int = 8) -> list[str]:
    """The store's outage lines in the server log (an outage is one warning line with
    its reason, no traceback), the most frequent first, with their counts."""
    from collections import Counter
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    marks = ("store unavailable on", "graph store", "went away", "reachable again")
    seen = Counter(" ".join(line.split())[:400] for line in lines if any(m in line for m in marks))
    return [f"{n}x {text}" for text, n in seen.most_common(keep)]


ENGINE_MARKS = ("signal", "crash", "bug report", "out of memory", "oom", "assert", "shutdown", "exited",
                "ready to accept", "server initialized", "error", "killed", "fork")


def engine_events(log: Path, keep: int = 80) -> list[str]:
    """The embedded engine's log lines that tell a stop or a start (signals, crashes,
    shutdowns, forks, errors), the last ``keep`` of them."""
    lines = log.read_text(errors="replace").splitlines()
    return [line for line in lines if any(m in line.lower() for m in ENGINE_MARKS)][-keep:]


def crash_reports(log: Path, keep_lines: int = 400) -> list[list[str]]:
    """Each crash report the engine wrote (from its "BUG REPORT START" line to its END
    line), at most ``keep_lines`` lines each: the stack trace and the command that ran
    are what narrowing a crash down needs."""
    reports, current = [], None
    for line in log.read_text(errors="replace").splitlines():
        if "BUG REPORT START" in line:
            current = []
        if current is not None:
            if len(current) < keep_lines:
                current.append(line)
            if "BUG REPORT END" in line:
                reports.append(current)
                current = None
    if current:
        reports.append(current)   # cut short: the engine died while writing it
    return reports


def _stop_embedded(home: Path) -> None:
    pidfile = home / "falkordb.pid"
    if pidfile.exists():
        try:
            os.kill(int(pidfile.read_text()), signal.SIGTERM)
        except (ValueError, OSError):
            pass


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", type=int, default=100_000, help="artifacts preloaded (default 100000)")
    p.add_argument("--backend", choices=["falkordb", "neo4j"], default="falkordb")
    p.add_argument("--from-home", help="falkordb: copy this data directory, holding an organisation "
                                       "loaded before (`ownergraph --home DIR demo --size N --no-serve`), "
                                       "instead of loading one; --size then only labels the result")
    p.add_argument("--reuse", action="store_true",
                   help="neo4j: keep the organisation an earlier run loaded (at least --size artifacts, "
                        "plus what earlier streams added) instead of clearing and loading it again")
    p.add_argument("--seconds", type=float, default=60.0, help="length of the single and batch streams")
    p.add_argument("--only", default="single,batch,anchors", help="comma-separated: single, batch, anchors")
    p.add_argument("--layers", type=int, default=10, help="anchor workload: layers (default 10)")
    p.add_argument("--jobs", type=int, default=200, help="anchor workload: jobs per layer (default 200)")
    p.add_argument("--queue", action="store_true",
                   help="serve with --lineage-queue: answered once on disk, applied behind (see above)")
    p.add_argument("--rate", type=float, default=None,
                   help="batch stream: offer this many events/s (paced) instead of as many as are answered")
    p.add_argument("--neo4j-uri", default="bolt://127.0.0.1:7688")
    p.add_argument("--neo4j-password", default="ownergraph-bench")
    return p


def main(argv: list[str] | None = None) -> None:
    print(json.dumps(run(parse(argv)), indent=2))


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    args = parser().parse_args(argv)
    args.only = set(args.only.split(","))
    if args.backend == "neo4j" and args.neo4j_uri.endswith(":7687"):
        raise SystemExit("port 7687 is the test suites' Neo4j (they wipe it); use a dedicated server")
    if args.from_home and args.backend != "falkordb":
        raise SystemExit("--from-home copies an embedded data directory: falkordb only")
    return args


if __name__ == "__main__":
    main()
