"""The bounded locust run: ``python -m locust`` headless against a loopback server, a fixed
number of users and seconds, killed if it overruns by two minutes; per-endpoint
nearest-rank percentiles from the raw samples ``bench/locustfile.py`` writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from . import stats

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


def load_avg() -> float:
    return round(os.getloadavg()[0], 1)


def search_terms(uids: list[str], n: int = 50) -> list[str]:
    """First words of the sample's artifact names (what a responder types)."""
    seen: dict[str, None] = {}
    for uid in uids:
        word = uid.rpartition("/")[2].split("-")[0]
        if len(word) >= 3:
            seen.setdefault(word, None)
    return list(seen)[:n] or ["a"]


def locust_run(port: int, uids: list[str], work: Path, *, users: int, spawn_rate: float, seconds: int) -> dict:
    """Locust as a subprocess (headless, ``-u users -r spawn_rate -t seconds``), killed if it
    overruns by two minutes; per-endpoint nearest-rank percentiles from its raw samples."""
    targets, samples = work / "locust-targets.json", work / "locust-samples.json"
    targets.write_text(json.dumps({"uids": uids, "terms": search_terms(uids)}))
    cmd = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
           "-r", str(spawn_rate), "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
           "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"]
    env = dict(os.environ, OG_BENCH_TARGETS=str(targets), OG_BENCH_SAMPLES=str(samples))
    la_start = load_avg()
    with open(work / "locust.log", "wb") as log:
        proc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 120)
    if not samples.exists():
        raise RuntimeError("locust wrote no samples: " + (work / "locust.log").read_text(errors="replace")[-1500:])
    rows = json.loads(samples.read_text())
    by_name: dict[str, list] = {}
    for name, ms, ok, status, err in rows:
        by_name.setdefault(name, []).append((ms, ok, status, err))
    endpoints = {}
    for name, rs in sorted(by_name.items()):
        fails = [r for r in rs if not r[1]]
        endpoints[name] = {**stats.summary([r[0] for r in rs]), "failures": len(fails),
                           "failure_examples": sorted({f"{r[2]} {r[3]}" for r in fails})[:3]}
    all_ms = [r[1] for r in rows]
    return {"users": users, "spawn_rate": spawn_rate, "seconds": seconds, "exit_code": proc.returncode,
            "requests": len(rows), "failures": sum(not r[2] for r in rows), "rps": round(len(rows) / seconds, 1),
            "all": stats.summary(all_ms), "endpoints": endpoints, "load_average": {"start": la_start, "end": load_avg()}}
