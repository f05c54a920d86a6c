"""How long a large impact page takes to become interactive with the graph overview, beside
today's artifact graph, in headless Chromium: ``python -m bench.overview_page``.

Issue 13 asks that a 2,000-artifact impact page be interactive within 2 s, beside
today's ~300-node figure. In one run, on one server (``ownergraph serve``, waitress, its
own process, over one embedded FalkorDB):

- **the 2,000-artifact page**: ``/impact/<root>`` of a generated graph (``wide_manifest``:
  one source dataset with ``--size`` artifacts downstream over five distances, seeded), as
  the page opens now (the overview, past 40 nodes), and with ``?graph=artifacts`` (the
  artifact graph as it was before the overview: capped at 300 nodes plus groups);
- **the baseline**: today's ~300-node page, ``/impact/warehouse/customers`` of the
  10,000-artifact demo (``--baseline demo``, the page issue 13 reports: 339 artifacts
  downstream) with ``?graph=artifacts``, and the same page as the overview; or, with
  ``--baseline generated``, a generated graph of ``--baseline-size`` artifacts (the smoke
  test uses that; loading the demo takes minutes on a busy machine).

Interactive is measured as in ``bench/browser.py`` (its hooks are reused): from
navigation start to the first task after the frame following ``data-ready="1"``, per run
in a fresh browser context; one warm-up, then ``--runs`` runs; the median and the
nearest-rank p95 (with 5 runs that is the slowest). Beside it, medians of when the HTML
had arrived, of the graph script's own time (from ``graph.js`` starting to the graph
drawn) and of the longest main-thread task. Why a benchmark and not a test: the
target depends on the machine; a test that timed a browser would fail for the wrong
reasons.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

from . import browser as browser_bench

DISTANCES = (("dataset",), ("feature_set", "dataset"), ("model", "pipeline"),
             ("evaluation", "metric", "deployment"), ("deployment", "metric"))
SHARES = (0.15, 0.30, 0.25, 0.20, 0.10)
RELATIONS = {"dataset": "input", "feature_set": "input", "model": "trained_on", "pipeline": "input",
             "evaluation": "evaluated_on", "metric": "input", "deployment": "deployed_from"}
EVIL = "<img src=x onerror=alert(1)>"


def wide_manifest(size: int, *, prefix: str = "wide", seed: int = 7, now: datetime | None = None,
                  evil: bool = False) -> dict:
    """A source dataset ``<prefix>/source`` with ``size`` artifacts downstream.

    Each artifact at distance d derives from one to three artifacts at distance d - 1, so
    its distance from the source is exactly d. About 10 % have no owner, 5 % an inactive
    one, 15 % a version from the last two days (recent), the rest from 60 days ago. With
    ``evil`` one dataset at distance 1 is named as an HTML injection attempt.
    """
    rng = random.Random(seed)
    now = now or datetime.now(timezone.utc)
    people = [{"id": f"{prefix}-p{i}", "name": f"Person {i} of {prefix}"} for i in range(30)]
    people.append({"id": f"{prefix}-gone", "name": f"Former owner of {prefix}", "active": False})
    source = f"{prefix}/source"
    arts = [{"uid": source, "kind": "dataset", "owner": people[0]["id"],
             "versions": [{"version": "1", "created_at": (now - timedelta(days=60)).isoformat()}]}]
    previous = [source]
    counts = [max(1, math.floor(size * share)) for share in SHARES]
    counts[0] += size - sum(counts)
    n = 0
    for d, (kinds, count) in enumerate(zip(DISTANCES, counts), start=1):
        here = []
        for i in range(count):
            kind = kinds[i % len(kinds)]
            uid = f"{prefix}/{kind.replace('_', '-')}-d{d}-{i:04d}"
            if evil and d == 1 and i == 0:
                uid = f"{prefix}/{EVIL}"
            parents = [previous[0 if i == 0 else rng.randrange(len(previous))]]
            parents += rng.sample(previous, min(len(previous), rng.randrange(3)))
            roll = rng.random()
            owner = None if roll < 0.10 else f"{prefix}-gone" if roll < 0.15 else people[n % 30]["id"]
            age = timedelta(hours=rng.randrange(1, 48)) if rng.random() < 0.15 else timedelta(days=60)
            art = {"uid": uid, "kind": kind,
                   "versions": [{"version": "1", "created_at": (now - age).isoformat(),
                                 "derived_from": [{"uid": f"{p}@1", "relation": RELATIONS[kind]}
                                                  for p in dict.fromkeys(parents)]}]}
            if owner:
                art["owner"] = owner
                if n % 3:
                    art["stewards"] = [people[(n + 1) % 30]["id"]]
            arts.append(art)
            here.append(uid)
            n += 1
        previous = here
    return {"reason": "graph overview benchmark", "people": people, "artifacts": arts}


def _percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


#: ``bench/browser.py``'s reading, plus when the graph script started (``graph.js`` notes it)
READ = browser_bench.READ.replace("longest_task:", "script: window.ownergraphScriptAt, longest_task:")


def measure_page(url: str, runs: int) -> list[dict]:
    """``bench/browser.py``'s measurement with the graph script's start time as well."""
    return browser_bench.measure_page(url, runs, READ)


def summarise(samples: list[dict]) -> dict:
    times = [s["interactive"] for s in samples]
    return {"runs": len(samples), "interactive_ms": [round(t, 1) for t in times],
            "median_ms": round(statistics.median(times), 1), "p95_ms": round(_percentile(times, 95), 1),
            "html_received_median_ms": round(statistics.median(s["response_end"] for s in samples), 1),
            "graph_script_median_ms": round(statistics.median(s["ready"] - s["script"] for s in samples), 1),
            "nodes_drawn": samples[0]["nodes"], "edges_drawn": samples[0]["edges"],
            "longest_task_median_ms": round(statistics.median(s["longest_task"] for s in samples), 1)}


def _load(store, args, now: datetime) -> str:
    """Loads the graphs; returns the baseline page's artifact."""
    from graph_model.ingest import bulk, manifest, parse
    manifest.ingest(store, parse.validate(wide_manifest(args.size, prefix="wide", now=now)), actor="bench")
    if args.baseline == "demo":
        from graph_model import demo
        bulk.ingest_chunks(store, demo.iter_demo_chunks(size=args.demo_size, seed=7,
                                                        chunk_artifacts=store.bulk_chunk), actor="bench")
        return args.baseline_uid
    manifest.ingest(store, parse.validate(wide_manifest(args.baseline_size, prefix="base", now=now, seed=8)),
                    actor="bench")
    return "base/source"


def run(args: argparse.Namespace) -> dict:
    from graph_model.services import impact
    from graph_model.store.falkordb_store import FalkorDBStore
    now = datetime.now(timezone.utc)
    home = Path(tempfile.mkdtemp(prefix="ogo-"))
    started = time.time()
    try:
        with FalkorDBStore(home=home) as store:
            store.ensure_schema()
            t0 = time.perf_counter()
            base_uid = _load(store, args, now)
            load_s = time.perf_counter() - t0
            reached = {uid: impact.impact(store, uid)["counts"]["total"] for uid in ("wide/source", base_uid)}
            port = browser_bench._free_port()
            server = browser_bench._serve(home, port, ("--anonymous-read",))
            try:
                pages = {}
                for name, uid, mode in (("large_overview", "wide/source", ""),
                                        ("large_artifacts", "wide/source", "?graph=artifacts"),
                                        ("baseline_artifacts", base_uid, "?graph=artifacts"),
                                        ("baseline_overview", base_uid, "")):
                    path = f"/impact/{quote(uid, safe='/')}{mode}"
                    samples = measure_page(f"http://127.0.0.1:{port}{path}", args.runs)
                    pages[name] = {"path": path, "impact_artifacts": reached[uid]} | summarise(samples)
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return {"size": args.size, "baseline": args.baseline, "load_s": round(load_s, 1),
            "load_average": round(os.getloadavg()[0], 1), "seconds": round(time.time() - started),
            "pages": pages}


def table(result: dict) -> str:
    """The figures as a markdown table."""
    rows = [("large_overview", f"{result['size']:,}-artifact impact page, overview (now)"),
            ("large_artifacts", f"{result['size']:,}-artifact impact page, artifact graph (`?graph=artifacts`)"),
            ("baseline_artifacts", "baseline page, artifact graph as before (`?graph=artifacts`)"),
            ("baseline_overview", "baseline page, overview (now)")]
    out = ["| page | artifacts downstream | nodes drawn | interactive median / p95 (ms) | HTML received (ms) "
           "| graph script, start to drawn (ms) | longest task (ms) |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for key, label in rows:
        p = result["pages"][key]
        out.append(f"| {label} `{p['path']}` | {p['impact_artifacts']:,} | {p['nodes_drawn']} | "
                   f"{p['median_ms']:,.0f} / {p['p95_ms']:,.0f} | {p['html_received_median_ms']:,.0f} | "
                   f"{p['graph_script_median_ms']:,.0f} | {p['longest_task_median_ms']:,.0f} |")
    return "\n".join(out)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=2000, help="artifacts downstream of the large page's source")
    ap.add_argument("--baseline", choices=("demo", "generated"), default="demo")
    ap.add_argument("--demo-size", type=int, default=10_000)
    ap.add_argument("--baseline-uid", default="warehouse/customers")
    ap.add_argument("--baseline-size", type=int, default=339)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", help="also write the raw figures to this file")
    return ap


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if not Path(browser_bench.CHROMIUM).exists():
        raise SystemExit(f"no Chromium at {browser_bench.CHROMIUM}")
    result = run(args)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    print(table(result))
    print(f"\nload {result['load_s']} s, whole run {result['seconds']} s, load average {result['load_average']}")


if __name__ == "__main__":
    main()
