"""Do the responders' reads keep their speed while analysts saturate the console?

``python -m bench.console_isolation --backend falkordb --size 300 --seconds 20``
(``--backend neo4j`` reads ``NEO4J_URI`` / ``NEO4J_PASSWORD`` and clears that database).

Everything runs in this process and on loopback: the demo organisation is loaded into
a fresh store, the app is served by waitress (as ``ownergraph serve`` does) on
127.0.0.1 with a free port, and client threads talk HTTP to it. Bounded: each phase
lasts ``--seconds``, every request has a timeout, and the script stops by itself.

Measured:

1. **Memory of one huge answer.** ``UNWIND range(1, 20000000) AS x RETURN x`` through
   ``POST /api/v1/cypher``: its time, rows and ``truncated``, and the peak RSS of this
   (web) process and of the engine during it (``VmHWM`` after resetting it through
   ``/proc/<pid>/clear_refs``).
2. **Reads alone**: 2 responder threads cycling the incident, impact and artifact APIs
   and the incident page over a fixed sample; p50 / p95 per kind.
3. **2 heavy console queries in flight** (console concurrency set to 2 so that both
   run): two threads keep posting ``HEAVY`` (a cartesian product that runs into the
   10 s limit) while the responders read, after one warm-up pass over the sample.
4. **4 attempted** with the default console settings: four threads keep posting the
   heavy query (waiting ``Retry-After`` when refused).

It prints a markdown table; ``--json`` keeps the raw numbers. The script only uses the
HTTP API, so the same file measures an older checkout too (run it with that
checkout's package on ``PYTHONPATH``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

# the issue's ``MATCH (a),(b),(c) RETURN count(*)``, with a predicate so that Neo4j must
# enumerate the rows too (it answers the bare count from its count store in 0.4 s)
HEAVY = "MATCH (a),(b),(c) WHERE a <> c RETURN count(*)"
HUGE = "UNWIND range(1, 20000000) AS x RETURN x"


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))], 1)


def hwm_reset(pid: int) -> None:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


class Server:
    """The app on 127.0.0.1:<free port>, served by waitress in a thread."""

    def __init__(self, store, config: dict):
        from waitress import create_server
        from app import create_app
        # reads without a login, as `ownergraph serve --anonymous-read` (the console included);
        # without it every request of this benchmark is a 401 and measures nothing
        app = create_app({"OWNERGRAPH_STORE_OBJECT": store, "OWNERGRAPH_ANONYMOUS_READ": True, **config})
        self.server = create_server(app, host="127.0.0.1", port=0, threads=8)
        self.port = self.server.effective_port
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.server.run()
        except OSError:
            pass   # the listening socket was closed under the loop: that is how it stops

    def close(self) -> None:
        self.server.close()
        self.server.task_dispatcher.shutdown(timeout=1)


def request(port: int, method: str, path: str, body: dict | None = None, timeout: float = 60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        t0 = time.perf_counter()
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
        resp = conn.getresponse()
        payload = resp.read()
        return resp.status, (time.perf_counter() - t0) * 1000, payload, resp.getheader("Retry-After")
    finally:
        conn.close()


def reads(port: int, uids: list[str], stop: threading.Event, out: dict[str, list[float]], errors: list) -> None:
    i = 0
    while not stop.is_set():
        uid = uids[i % len(uids)]
        i += 1
        for kind, path in (("incident", f"/api/v1/incident?artifact={quote(uid)}"),
                           ("impact", f"/api/v1/impact?artifact={quote(uid)}"),
                           ("artifact", f"/api/v1/artifact?uid={quote(uid)}"),
                           ("incident page", f"/incident/{quote(uid, safe='/')}")):
            status, ms, _, _ = request(port, "GET", path)
            if status != 200:
                errors.append((kind, status))
            out.setdefault(kind, []).append(ms)


def console_loop(port: int, stop: threading.Event, log: list) -> None:
    while not stop.is_set():
        status, ms, _, retry = request(port, "POST", "/api/v1/cypher", {"query": HEAVY}, timeout=120)
        log.append((status, round(ms)))
        if status == 429:
            stop.wait(min(float(retry or 1), 2.0))


def phase(store, uids: list[str], seconds: float, console_threads: int, config: dict) -> dict:
    server = Server(store, config)
    stop = threading.Event()
    lat: dict[str, list[float]] = {}
    errors: list = []
    log: list = []
    threads = [threading.Thread(target=console_loop, args=(server.port, stop, log)) for _ in range(console_threads)]
    for t in threads:
        t.start()
    if console_threads:
        time.sleep(0.5)   # let the heavy queries reach the engine first
    readers = [threading.Thread(target=reads, args=(server.port, uids, stop, lat, errors)) for _ in range(2)]
    for t in readers:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in readers + threads:
        t.join(timeout=150)
    server.close()
    statuses: dict[str, int] = {}
    for status, _ in log:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    answered = [ms for status, ms in log if status != 429]
    return {"reads": {k: {"n": len(v), "p50": pct(v, 50), "p95": pct(v, 95), "max": round(max(v), 1)}
                      for k, v in lat.items()},
            "read_errors": len(errors), "console_statuses": statuses,
            "console_answer_ms_max": max(answered) if answered else None}


def huge_answer(store, engine_pid: int | None) -> dict:
    server = Server(store, {})
    try:
        me = os.getpid()
        hwm_reset(me)
        if engine_pid:
            hwm_reset(engine_pid)
        before = hwm_mb(me), hwm_mb(engine_pid) if engine_pid else None
        status, ms, payload, _ = request(server.port, "POST", "/api/v1/cypher", {"query": HUGE}, timeout=300)
        body = json.loads(payload) if payload.startswith(b"{") else {}
        return {"status": status, "ms": round(ms), "rows": len(body.get("rows") or []),
                "truncated": body.get("truncated"), "error": body.get("problems") or body.get("error"),
                "web_rss_mb_before": before[0], "web_peak_rss_mb": hwm_mb(me),
                "engine_rss_mb_before": before[1], "engine_peak_rss_mb": hwm_mb(engine_pid) if engine_pid else None}
    finally:
        server.close()


def open_store(args):
    if args.backend == "falkordb":
        from graph_model.store.falkordb_store import FalkorDBStore
        from graph_model.store.embedded import PID_NAME
        home = Path(tempfile.mkdtemp(prefix="ogc-"))
        store = FalkorDBStore(home=home, graph="bench")
        return store, home, int((home / PID_NAME).read_text())
    from graph_model.store.neo4j_store import Neo4jStore
    store = Neo4jStore(args.neo4j_uri, "neo4j", args.neo4j_password)
    store.clear()
    return store, None, args.neo4j_pid


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backend", choices=["falkordb", "neo4j"], default="falkordb")
    ap.add_argument("--size", type=int, default=300, help="demo organisation size (artifacts)")
    ap.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    ap.add_argument("--neo4j-uri", default=os.environ.get("NEO4J_URI"))
    ap.add_argument("--neo4j-password", default=os.environ.get("NEO4J_PASSWORD", ""))
    ap.add_argument("--neo4j-pid", type=int, default=None, help="the JVM's pid, for its peak RSS")
    ap.add_argument("--skip-huge", action="store_true")
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)

    from graph_model import demo
    from graph_model.ingest import bulk
    store, home, engine_pid = open_store(args)
    try:
        store.ensure_schema()
        t0 = time.perf_counter()
        bulk.ingest_chunks(store, demo.iter_demo_chunks(size=args.size, seed=7, chunk_artifacts=store.bulk_chunk),
                           actor="bench")
        nodes, rels = bulk.graph_size(store)
        uids = sorted({r["uid"] for r in _sample(store)})
        warm(store, uids)   # Neo4j's JIT and page cache, before anything is timed
        out: dict = {"backend": args.backend, "size": args.size, "nodes": nodes, "relationships": rels,
                     "load_s": round(time.perf_counter() - t0, 1), "sample": len(uids), "seconds": args.seconds}
        if not args.skip_huge:
            out["huge"] = huge_answer(store, engine_pid)
        out["alone"] = phase(store, uids, args.seconds, 0, {})
        out["two_heavy"] = phase(store, uids, args.seconds, 2, {"OWNERGRAPH_CONSOLE_CONCURRENCY": 2,
                                                                  "OWNERGRAPH_CONSOLE_QUEUE": 0})
        out["four_attempted"] = phase(store, uids, args.seconds, 4, {})
    finally:
        if args.backend == "neo4j":
            store.clear()
        store.close()
        if home is not None:
            shutil.rmtree(home, ignore_errors=True)
    print(table(out))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return out


def warm(store, uids: list[str]) -> None:
    server = Server(store, {})
    try:
        for uid in uids:
            for path in (f"/api/v1/incident?artifact={quote(uid)}", f"/api/v1/impact?artifact={quote(uid)}",
                         f"/api/v1/artifact?uid={quote(uid)}", f"/incident/{quote(uid, safe='/')}"):
                request(server.port, "GET", path)
    finally:
        server.close()


def _sample(store) -> list[dict]:
    """40 artifacts with lineage, chosen by the engine in a fixed order (uid)."""
    res = store.query_readonly("MATCH (a:Artifact) WHERE a.kind IN ['deployment', 'model'] "
                               "RETURN a.uid AS uid ORDER BY uid LIMIT 40", {}, 10_000, 40)
    return [{"uid": r[0]} for r in res.rows]


def table(out: dict) -> str:
    lines = [f"### console isolation: {out['backend']}, demo size {out['size']} "
             f"({out['nodes']} nodes, {out['relationships']} relationships), {out['seconds']:.0f} s a phase", "",
             "| phase | incident p50 / p95 (ms) | impact p50 / p95 | artifact p50 / p95 | incident page p50 / p95 | read errors | console answers |",
             "|---|---|---|---|---|---|---|"]
    for key, name in (("alone", "reads alone"), ("two_heavy", "2 heavy console queries running"),
                      ("four_attempted", "4 heavy console queries attempted (default settings)")):
        ph = out.get(key)
        if not ph:
            continue
        cell = lambda k: (f"{ph['reads'][k]['p50']} / {ph['reads'][k]['p95']} (n={ph['reads'][k]['n']})"
                          if k in ph["reads"] else "-")
        statuses = ", ".join(f"{n}x{s}" for s, n in sorted(ph["console_statuses"].items())) or "-"
        slowest = f"; slowest answer {ph['console_answer_ms_max']} ms" if ph["console_answer_ms_max"] else ""
        lines.append(f"| {name} | {cell('incident')} | {cell('impact')} | {cell('artifact')} | {cell('incident page')} | "
                     f"{ph['read_errors']} | {statuses}{slowest} |")
    if out.get("huge"):
        h = out["huge"]
        lines += ["", f"`{HUGE}`: HTTP {h['status']} after {h['ms']} ms, {h['rows']} rows, truncated={h['truncated']}"
                      f"{', error: ' + str(h['error']) if h['error'] else ''}; peak RSS web process "
                      f"{h['web_peak_rss_mb']} MB (from {h['web_rss_mb_before']}), engine {h['engine_peak_rss_mb']} MB "
                      f"(from {h['engine_rss_mb_before']})"]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
