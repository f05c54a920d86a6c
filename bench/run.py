"""The benchmark, one command: every backend at every size, the baselines, the browser.

    python -m bench.run --sizes 10000,100000 --backends falkordb,neo4j

Each (backend, size) runs in its own process (``bench.measure``) so its peak RSS is its
own; the browser measurement runs in another (``bench.browser``). The table is printed
and written between the result markers of ``bench/README.md`` with the commit, the
machine, the date and this command, so the text around it (method, findings) stays.

Neo4j: a dedicated server on port 7688 with its own password, started (or found
running) through ``tools/neo4j-local/start``. Port 7687 belongs to the test suites,
which wipe it; this harness refuses to touch it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from . import report

ROOT = Path(__file__).resolve().parents[1]
README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
NEO4J_PORT, NEO4J_PASSWORD = 7688, "ownergraph-bench"


def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def start_neo4j(port: int, password: str) -> tuple[str, int | None, str]:
    """Start (or find) the dedicated server; (bolt URI, its pid, its memory settings)."""
    if port == 7687:
        raise SystemExit("port 7687 is the test suites' Neo4j (they wipe it); use a dedicated port")
    env = dict(os.environ, NEO4J_PORT=str(port), NEO4J_PASSWORD=password)
    proc = subprocess.run(["bash", str(ROOT / "tools" / "neo4j-local" / "start")], env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"could not start Neo4j on port {port} (is OWNERGRAPH_NEO4J_HOME set to the built "
                         f"server's home?):\n{proc.stderr.strip()[-1500:]}")
    out = proc.stdout
    uri = re.search(r"NEO4J_URI=(\S+)", out).group(1)
    home = Path(os.environ.get("OWNERGRAPH_NEO4J_HOME") or ROOT / "tools" / "neo4j-local" / "target")
    inst = home / f"instance-{port}"
    pid = None
    try:
        pid = int((inst / "run" / "neo4j.pid").read_text().strip())
    except (OSError, ValueError):
        pass
    conf = (inst / "conf" / "neo4j.conf").read_text() if (inst / "conf" / "neo4j.conf").exists() else ""
    cache = re.search(r"^server\.memory\.pagecache\.size=(\S+)", conf, re.M)
    heap = os.environ.get("NEO4J_HEAP", "1g")
    return uri, pid, f"heap {heap}, page cache {cache.group(1) if cache else '?'}, {collector(pid)}"


def collector(pid: int | None) -> str:
    """The garbage collector the server's JVM runs, read from its command line (the last
    selector given wins), so a figure says which one it was measured with."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, TypeError):
        return "collector ?"
    chosen = [a.decode()[len("-XX:+Use"):] for a in args if a.startswith(b"-XX:+Use") and a.endswith(b"GC")]
    return f"{chosen[-1]} collector" if chosen else "default collector"


def run_worker(module: str, args: list[str], out: Path) -> dict | None:
    cmd = [sys.executable, "-m", f"bench.{module}", *args, "--out", str(out)]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT)
    if proc.returncode != 0:
        log(f"{module} {' '.join(args[:4])} FAILED (exit {proc.returncode})")
        return None
    log(f"{module} {' '.join(args[:4])} done in {time.perf_counter() - started:.0f} s")
    return json.loads(out.read_text())


def machine() -> str:
    mem = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 2**20:.1f} GiB"
    except (OSError, AttributeError):
        pass
    cpu = platform.processor() or "?"
    try:
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1).strip()
    except (OSError, AttributeError):
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), {mem} memory, Linux {platform.release()}, Python {platform.python_version()}"


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.rstrip()


def results_block(results: list[dict], browser: dict | None, meta: dict) -> str:
    dirty = meta["dirty"]
    lines = [
        START,
        f"Measured on commit `{meta['commit']}`"
        + (f" (with uncommitted changes in {', '.join(dirty[:8])}{' ...' if len(dirty) > 8 else ''})" if dirty else "")
        + f", {meta['date']}, on {meta['machine']}." + (f" Neo4j 5 community, {meta['neo4j']}." if meta.get("neo4j") else ""),
        "",
        f"Command: `{meta['command']}` ({meta['minutes']:.0f} min).",
        "",
        report.table(results, browser),
        "",
        "Ratios are baseline time ÷ ownergraph time for the same items at the same percentile "
        "(below 1: the baseline is faster). Latencies are over the fixed sample, warm-up excluded.",
        "",
        "Targets:",
        "",
        *report.verdicts(results, browser),
        "",
        "Notes on this run:",
        "",
        *report.notes(results, browser),
        END,
    ]
    return "\n".join(lines)


def write_readme(block: str, path: Path, start: str = START, end: str = END) -> None:
    """Replace what is between the markers (the block carries them), or append it."""
    text = path.read_text() if path.exists() else f"# Benchmark\n\n{start}\n{end}\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description="ownergraph benchmark: one table, baselines included")
    ap.add_argument("--sizes", default="10000,100000", help="demo sizes in artifacts, comma separated")
    ap.add_argument("--backends", default="falkordb,neo4j")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sample", type=int, default=200, help="artifacts timed for incident and impact")
    ap.add_argument("--browser-size", type=int, default=10_000, help="0: skip the browser measurement")
    ap.add_argument("--query-budget", type=float, default=180.0, help="seconds per query kind and run")
    ap.add_argument("--naive-budget", type=float, default=45.0)
    ap.add_argument("--naive-ingest-budget", type=float, default=30.0)
    ap.add_argument("--neo4j-port", type=int, default=NEO4J_PORT)
    ap.add_argument("--readme", default=str(README), help="where to write the table ('-': nowhere)")
    ap.add_argument("--json", default=None, help="also write the raw measurements here")
    args = ap.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    backends = [b.strip() for b in args.backends.split(",")]
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0).isoformat()
    started = time.perf_counter()
    meta = {"commit": git("rev-parse", "--short", "HEAD"), "date": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
            "machine": machine(), "command": ".venv/bin/python -m bench.run " + shlex.join(argv),
            "dirty": [ln[3:] for ln in git("status", "--porcelain").splitlines()
                      if not ln[3:].startswith(("bench/", "tests/bench/"))]}
    neo = []
    if "neo4j" in backends:
        uri, pid, meta["neo4j"] = start_neo4j(args.neo4j_port, NEO4J_PASSWORD)
        neo = ["--neo4j-uri", uri, "--neo4j-password", NEO4J_PASSWORD] + (["--neo4j-pid", str(pid)] if pid else [])
    work = Path(tempfile.mkdtemp(prefix="ogbench-"))
    results, browser = [], None
    for size in sizes:
        for backend in backends:
            log(f"{backend} {size}: starting")
            r = run_worker("measure", ["--backend", backend, "--size", str(size), "--seed", str(args.seed),
                                       "--now", now, "--sample", str(args.sample),
                                       "--query-budget", str(args.query_budget),
                                       "--naive-budget", str(args.naive_budget),
                                       "--naive-ingest-budget", str(args.naive_ingest_budget),
                                       "--hotspot-runs", "3" if size <= 20_000 else "1",
                                       *(neo if backend == "neo4j" else [])],
                           work / f"{backend}-{size}.json")
            if r:
                results.append(r)
    if args.browser_size:
        log(f"browser at size {args.browser_size}: starting")
        browser = run_worker("browser", ["--size", str(args.browser_size), "--seed", str(args.seed), "--now", now],
                             work / "browser.json")
    meta["minutes"] = (time.perf_counter() - started) / 60
    block = results_block(results, browser, meta)
    print(block)
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results, "browser": browser}, indent=1))
    if args.readme != "-":
        write_readme(block, Path(args.readme))
        log(f"wrote {args.readme}")


if __name__ == "__main__":
    main()
