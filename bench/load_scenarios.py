"""Three of the load suite's measurements (issue 7, section 4), each bounded in time.

Every measurement takes its baseline in the same run: the same reads with nothing else
running, just before. Percentiles are nearest-rank (``stats.percentile``).

1. ``reads_during_bulk``: incident reads (the service, in this process) on the fixed
   sample, round and round, while another process streams a second organisation
   through the bulk path; the load's rate is what the store gained ÷ its wall time.
2. ``reads_while_console``: incident reads over HTTP (``GET /api/v1/incident``) while
   ``k`` threads keep a heavy console query in flight (``POST /api/v1/cypher``); a
   429 is counted and its ``Retry-After`` honoured (capped at 5 s).
3. ``pages_between_writes`` / ``pages_while_writing``: the hotspot pages and ``/``,
   quiet, then while another process writes one small manifest a second; the JSON
   answer's stated age is read from the fields that carry it, when there are any, and
   checked against the writes: how long before the answer the first write it does not
   reflect (by ``audit_seq``) had been acknowledged (``freshness``).

The fourth, the locust run, is ``locust_run``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from graph_model.ingest import bulk
from graph_model.services import incident

from . import stats
from .freshness import age_summary, answer_age
from .served import Client

WARMUP = 20
SLOW_MS = 250.0    # issue 7's bound for a read during a bulk load
# The heavy query is ``MATCH (a),(b),(c) RETURN count(*)``, but Neo4j answers that
# one from its count store (0.13 s at 300 artifacts, against FalkorDB's time-out); the
# predicates make both engines enumerate the product until the console's limit.
HEAVY = "MATCH (a),(b),(c) WHERE a <> b AND b <> c RETURN count(*)"
PAGES = ("/hotspots", "/", "/fragments/top-hotspots", "/api/v1/hotspots")


def _summary(times: list[float]) -> dict:
    return stats.summary(times)


def load_avg() -> float:
    return round(os.getloadavg()[0], 1)


# -- 1. reads during a bulk load ------------------------------------------------------


def service_reads(store, uids: list[str], *, count: int | None = None, running=None,
                  deadline: float) -> tuple[list[tuple[float, float]], list[str]]:
    """Incident reads round the sample until ``count`` are done or ``running()`` turns
    false or the deadline passes: [(wall-clock start, ms)], and the errors."""
    out, errors, i = [], [], 0
    while time.monotonic() < deadline and (count is None or len(out) < count) and (running is None or running()):
        uid = uids[i % len(uids)]
        i += 1
        wall, t0 = time.time(), time.perf_counter()
        try:
            incident.incident(store, uid)
        except Exception as e:   # a failed read is a result too: counted, not fatal
            errors.append(f"{uid}: {type(e).__name__}: {e}"[:200])
            continue
        out.append((wall, (time.perf_counter() - t0) * 1000))
    return out, errors


def _start_writer(args: list[str], out: Path, ready_timeout: float = 300.0) -> subprocess.Popen:
    """A ``bench.writer`` process, once it has printed ``ready`` (store open)."""
    proc = subprocess.Popen([sys.executable, "-m", "bench.writer", *args, "--out", str(out)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    box: dict = {}
    reader = threading.Thread(target=lambda: box.setdefault("line", proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(ready_timeout)
    if box.get("line", "").strip() != "ready":
        proc.kill()
        proc.wait()
        raise RuntimeError(f"the writer did not start ({box.get('line', 'no answer')!r})")
    return proc


def _go(proc: subprocess.Popen) -> None:
    proc.stdin.write("go\n")
    proc.stdin.flush()


def _finish(proc: subprocess.Popen, timeout: float) -> None:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)
        raise RuntimeError("the writer overran its time limit and was killed")
    if proc.returncode != 0:
        raise RuntimeError(f"the writer failed (exit {proc.returncode})")


def reads_during_bulk(store, uids: list[str], writer_args: list[str], work: Path, *,
                      baseline_reads: int, extra_size: int, seed: int, now: str, timeout: float,
                      prefix: str = "x2") -> dict:
    """Baseline reads, then the same reads while ``extra_size`` more artifacts load (an
    organisation of seed ``seed`` under the namespace ``prefix``)."""
    far = time.monotonic() + timeout
    service_reads(store, uids, count=WARMUP, deadline=far)
    base, base_err = service_reads(store, uids, count=baseline_reads, deadline=far)
    before = sum(bulk.graph_size(store))
    out = work / f"bulk-writer-{prefix}.json"
    la_start = load_avg()
    proc = _start_writer(["bulk", *writer_args, "--size", str(extra_size), "--seed", str(seed),
                          "--prefix", prefix, "--now", now], out)
    try:
        _go(proc)
        reads, errors = service_reads(store, uids, running=lambda: proc.poll() is None,
                                      deadline=time.monotonic() + timeout)
        _finish(proc, timeout=30 if proc.poll() is None else 1)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    w = json.loads(out.read_text())
    after = sum(bulk.graph_size(store))
    seconds = w["end"] - w["start"]
    during = [ms for wall, ms in reads if w["start"] <= wall <= w["end"]]
    return {"baseline": _summary([ms for _, ms in base]), "baseline_errors": base_err,
            "during": {**_summary(during), "time_weighted_p95": stats.time_weighted(during, 0.95),
                       "slow_share": round(sum(ms for ms in during if ms > SLOW_MS) / 1000 / seconds, 3)
                       if seconds > 0 else None},
            "errors": errors,
            "load": {"artifacts": extra_size, "chunks": w["chunks"], "chunk_artifacts": w["chunk_artifacts"],
                     "seconds": round(seconds, 2), "elements_before": before, "elements_added": after - before,
                     "rate": (after - before) / seconds if seconds > 0 else None,
                     "unit_seconds_max": w["unit_seconds_max"], "unit_seconds_median": w["unit_seconds_median"]},
            "load_average": {"start": la_start, "end": load_avg()}}


# -- 2. reads while the console is saturated -------------------------------------------


def http_reads(client: Client, uids: list[str], *, count: int | None = None, seconds: float | None = None,
               errors: list | None = None) -> tuple[list[float], Counter]:
    """``GET /api/v1/incident`` round the sample: times of the 200s, and every status
    (a failed connection pauses the loop for 0.2 s rather than spinning)."""
    times, statuses, i = [], Counter(), 0
    end = time.monotonic() + seconds if seconds is not None else None
    while (count is None or i < count) and (end is None or time.monotonic() < end):
        status, ms, body, _ = client.request("GET", f"/api/v1/incident?artifact={quote(uids[i % len(uids)])}")
        i += 1
        statuses[status] += 1
        if status == 200:
            times.append(ms)
        elif errors is not None and len(errors) < 5:
            errors.append(f"{status} after {ms:.0f} ms: {body[:200].decode(errors='replace')}")
        if status == 0:
            time.sleep(0.2)
    return times, statuses


def http_baseline(port: int, uids: list[str], reads: int) -> dict:
    """The HTTP incident reads with nothing else running (after a warm-up)."""
    client = Client(port)
    try:
        http_reads(client, uids, count=WARMUP)
        times, statuses = http_reads(client, uids, count=reads)
    finally:
        client.close()
    return {**_summary(times), "statuses": {str(s): n for s, n in statuses.items()}}


def _console_loop(port: int, stop: threading.Event, log: list, timeout: float, query: str) -> None:
    client = Client(port, timeout=timeout)
    try:
        while not stop.is_set():
            status, ms, _, headers = client.request("POST", "/api/v1/cypher", {"query": query})
            log.append((status, ms, headers.get("retry-after")))
            if status == 0:
                stop.wait(0.5)   # the server is not answering: do not spin
            elif status == 429:
                try:
                    wait = float(headers.get("retry-after") or 1)
                except ValueError:
                    wait = 1.0
                stop.wait(min(max(wait, 0.1), 5.0))
    finally:
        client.close()


def reads_while_console(port: int, uids: list[str], k: int, seconds: float, timeout: float,
                        query: str = HEAVY) -> dict:
    """Incident reads for ``seconds`` while ``k`` threads keep the heavy query posted."""
    stop, log = threading.Event(), []
    threads = [threading.Thread(target=_console_loop, args=(port, stop, log, timeout, query), daemon=True)
               for _ in range(k)]
    la_start = load_avg()
    for t in threads:
        t.start()
    time.sleep(1.0)   # the queries are in flight before the first timed read
    client, errors = Client(port, timeout=timeout), []
    try:
        times, statuses = http_reads(client, uids, seconds=seconds, errors=errors)
    finally:
        stop.set()
        client.close()
    for t in threads:
        t.join(timeout + 10)
    console = Counter(str(s) for s, _, _ in log)
    return {"attempted": k, "incident": _summary(times), "incident_statuses": {str(s): n for s, n in statuses.items()},
            "incident_errors": errors,
            "console_statuses": dict(console), "console_ms": _summary([ms for s, ms, _ in log if s != 429]),
            "retry_after": sorted({r for s, _, r in log if s == 429 and r is not None})[:5],
            "still_running": sum(t.is_alive() for t in threads),
            "load_average": {"start": la_start, "end": load_avg()}}


# -- 3. hotspots and the home page -------------------------------------------------------


def pages_between_writes(port: int, requests: int, budget: float, timeout: float) -> dict:
    """Per page: one first request (reported on its own), then up to ``requests`` more
    within ``budget`` seconds, sequentially, nothing else running."""
    client, out = Client(port, timeout=timeout), {}
    try:
        for path in PAGES:
            status, first, body, _ = client.request("GET", path)
            times, statuses = [], Counter({status: 1})
            started = time.monotonic()
            while len(times) < requests and time.monotonic() - started < budget:
                status, ms, body, _ = client.request("GET", path)
                statuses[status] += 1
                if status == 200:
                    times.append(ms)
            out[path] = {"first_ms": round(first, 1), **_summary(times),
                         "statuses": {str(s): n for s, n in statuses.items()}, "budget_hit": len(times) < requests}
            if path == "/api/v1/hotspots":
                out[path]["age"] = answer_age(body, time.time())
    finally:
        client.close()
    return out


def pages_while_writing(port: int, writer_args: list[str], work: Path, *, seconds: float,
                        interval: float, owner: str, timeout: float) -> dict:
    """The same pages round-robin while another process writes one manifest per
    ``interval`` for ``seconds``; the JSON answer's age after each request."""
    out = work / "trickle-writer.json"
    la_start = load_avg()
    proc = _start_writer(["trickle", *writer_args, "--seconds", str(seconds), "--interval", str(interval),
                          "--owner", owner], out)
    client = Client(port, timeout=timeout)
    times: dict[str, list[float]] = {p: [] for p in PAGES}
    statuses: dict[str, Counter] = {p: Counter() for p in PAGES}
    ages, i = [], 0
    try:
        _go(proc)
        deadline = time.monotonic() + seconds + timeout
        while proc.poll() is None and time.monotonic() < deadline:
            path = PAGES[i % len(PAGES)]
            i += 1
            status, ms, body, _ = client.request("GET", path)
            statuses[path][status] += 1
            if status == 200:
                times[path].append(ms)
                if path == "/api/v1/hotspots":
                    ages.append(answer_age(body, time.time()))
        _finish(proc, timeout=timeout)
    finally:
        client.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    w = json.loads(out.read_text())
    return {"pages": {p: {**_summary(times[p]), "statuses": {str(s): n for s, n in statuses[p].items()}}
                      for p in PAGES},
            "age": age_summary(ages, w["write_log"]),
            "writes": w["writes"], "write_seconds_max": w["write_seconds_max"],
            "write_seconds": round(w["end"] - w["start"], 1),
            "load_average": {"start": la_start, "end": load_avg()}}
