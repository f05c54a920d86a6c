"""How long a page with a 300-node graph takes to become interactive in headless Chromium.

``python -m bench.browser --size 10000 --now ... --out F.json``: loads the demo into a
fresh embedded FalkorDB, serves the app as users run it (``ownergraph serve``, waitress,
in its own process), and opens the impact page of an artifact whose downstream graph
fills the 300-node cap.

What is measured, from navigation start (``performance.now()``'s origin), per run in a
fresh browser context (nothing cached): the graph script marks its container
``data-ready="1"`` once vis-network has drawn and fitted the layout; "interactive" is
the first task that runs after the next frame following that, i.e. the main thread is
free and the graph is on screen. One warm-up run, then the median of the measured runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from graph_model import demo
from graph_model.ingest import bulk
from graph_model.services import dependency_reach

from .baselines import Floor

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CAP = 300

HOOKS = """
(() => {
  const og = window.__og = {longtasks: []};
  new MutationObserver((muts, obs) => {
    for (const m of muts) {
      if (m.target.getAttribute && m.target.getAttribute('data-ready') === '1') {
        og.ready = performance.now();
        requestAnimationFrame(() => setTimeout(() => { og.interactive = performance.now(); }, 0));
        obs.disconnect();
        return;
      }
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-ready']});
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) og.longtasks.push([e.startTime, e.duration]);
    }).observe({type: 'longtask', buffered: true});
  } catch (e) { /* no long-task timing: the list stays empty */ }
})();
"""

READ = """
() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const nets = Object.values(window.ownergraphNetworks || {});
  const og = window.__og;
  return {ready: og.ready, interactive: og.interactive, response_start: nav.responseStart,
          response_end: nav.responseEnd, dom_content_loaded: nav.domContentLoadedEventEnd,
          load: nav.loadEventEnd, nodes: nets.length ? nets[0].body.data.nodes.length : 0,
          edges: nets.length ? nets[0].body.data.edges.length : 0,
          longest_task: Math.max(0, ...og.longtasks.map(t => t[1]))};
}
"""


def pick_artifact(size: int, seed: int, now: datetime) -> tuple[str, int]:
    """The artifact with the smallest impact (depth 10, as the page walks it) that still
    fills the cap, found with the in-memory floor: candidates in order of transitive
    reach (an upper bound of the depth-limited one)."""
    floor = Floor(size, seed, now)
    art_edges = {(floor.g.nodes[d]["artifact"], floor.g.nodes[u].get("artifact"))
                 for d, u in floor.g.edges if floor.g.nodes[u].get("artifact")}
    graph = dependency_reach.dependency_graph(floor.arts, art_edges)
    reach = dependency_reach.downstream_reach(graph, {u: a["kind"] for u, a in floor.arts.items()})
    best = None
    for uid in sorted((u for u in reach if reach[u].total >= CAP - 1), key=lambda u: (reach[u].total, u)):
        n = len(floor.impact(uid)["downstream"])
        if n >= CAP - 1:
            return uid, n
        if best is None or n > best[1]:
            best = (uid, n)
    if best is None:
        raise RuntimeError(f"no artifact of the size-{size} demo has {CAP - 1} dependents")
    return best


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(home: Path, port: int, extra: tuple[str, ...] = ()) -> subprocess.Popen:
    """``ownergraph serve`` (with ``extra`` options) on the loaded data directory; its log
    goes next to the data."""
    log = open(home / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-c", "from app.cli import main; main()", "--store", "falkordb",
                             "--home", str(home), "serve", "--port", str(port), *extra],
                            stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("the app server exited: " + (home / "serve.log").read_text()[-2000:])
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("the app server did not answer within 60 s")


def measure_page(url: str, runs: int, read: str = READ) -> list[dict]:
    """One warm-up, then ``runs`` fresh contexts; each run's ``read`` (a JS expression
    over the hooks' figures)."""
    from playwright.sync_api import sync_playwright
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for _ in range(runs + 1):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                page.add_init_script(HOOKS)
                page.goto(url, wait_until="load", timeout=60_000)
                page.wait_for_function("window.__og && window.__og.interactive", timeout=60_000)
                out.append(page.evaluate(read))
                context.close()
        finally:
            browser.close()
    return out[1:]   # the first run is the warm-up


def run(size: int, seed: int, now: datetime, runs: int) -> dict:
    uid, reached = pick_artifact(size, seed, now)
    from graph_model.store.falkordb_store import FalkorDBStore
    home = Path(tempfile.mkdtemp(prefix="ogw-"))
    try:
        # the lease is held while the app runs: the app reuses the running engine
        # instead of restarting it (a restart replays the append-only file, which is
        # slow after a bulk load; see bench/README.md)
        with FalkorDBStore(home=home) as store:
            store.ensure_schema()
            bulk.ingest_chunks(store, demo.iter_demo_chunks(size=size, seed=seed, now=now,
                                                            chunk_artifacts=store.bulk_chunk), actor="bench")
            port = _free_port()
            server = _serve(home, port, ("--anonymous-read",))   # pages need a login otherwise
            try:
                url = f"http://127.0.0.1:{port}/impact/{quote(uid, safe='/')}"
                samples = measure_page(url, runs)
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    med = {k: round(statistics.median(s[k] for s in samples), 1)
           for k in ("interactive", "ready", "load", "response_start", "longest_task")}
    return {"size": size, "artifact": uid, "load_average": round(os.getloadavg()[0], 1), "page": f"/impact/{uid}", "impact_artifacts": reached,
            "nodes_drawn": samples[0]["nodes"], "edges_drawn": samples[0]["edges"], "runs": len(samples),
            "interactive_ms": [round(s["interactive"], 1) for s in samples], "median_ms": med}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--now", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    result = run(args.size, args.seed, datetime.fromisoformat(args.now).astimezone(timezone.utc), args.runs)
    Path(args.out).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
