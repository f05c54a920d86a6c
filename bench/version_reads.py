"""The newest-version reads against how many versions an artifact has: the artifact's
pointers (``ingest.version_pointers``) against the scan of every version they replaced.

    python -m bench.version_reads [--versions 10,100,1000,5000] [--artifacts 20]

For each count N: ``--artifacts`` artifacts of N versions each are written through the
manifest path (so the pointers are kept as in production), then each read is timed for
all of them at once, ``--repeats`` times: ``latest_versions_of`` and ``ol_version_before``
(an instant after every version, the common case of a live feed) as the product runs
them, and the scan queries they replaced, in the same run on the same data (the
baseline). Medians and p90 in ms. The embedded engine, in a data directory of its own
(the same queries run on Neo4j; the contract suite checks both engines' answers).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from graph_model.ingest import manifest, parse
from graph_model.store import StoreConfig, open_store

from .lineage import _stop_embedded, log
from .stats import percentile

SCAN_LATEST = """UNWIND $uids AS auid
MATCH (v:Version)-[:VERSION_OF]->(a:Artifact {uid: auid})
WITH auid, v ORDER BY v.seq DESC
WITH auid, collect(v)[0] AS latest
RETURN auid AS uid, latest.uid AS latest, latest.seq AS seq"""
SCAN_BEFORE = """UNWIND $rows AS r
MATCH (v:Version)
WHERE v.artifact_uid = r.uid AND v.created_at < r.before AND v.uid <> r.exclude
WITH r, v ORDER BY v.created_at DESC, v.seq DESC
WITH r, collect(v)[0] AS newest
RETURN r.key AS key, newest.uid AS uid, newest.created_at AS created_at"""
DAY_MS = 86_400_000


def load(store, count: int, artifacts: int, prefix: str) -> list[str]:
    """``artifacts`` datasets of ``count`` versions each, one manifest per 500 versions."""
    uids = [f"{prefix}/d{i:03d}" for i in range(artifacts)]
    for start in range(0, count, 500):
        m = {"artifacts": [{"uid": u, "kind": "dataset", "versions": [
            {"version": f"v{k}", "created_at": 1_700_000_000_000 + k * 60_000} for k in range(start, min(count, start + 500))]}
            for u in uids]}
        manifest.ingest(store, parse.validate(m), actor="bench")
    return uids


def timed(fn, repeats: int) -> dict:
    ms = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ms.append(1000 * (time.perf_counter() - t0))
    return {"p50_ms": round(percentile(ms, 0.5), 2), "p90_ms": round(percentile(ms, 0.9), 2)}


def run(args: argparse.Namespace) -> dict:
    home = Path(tempfile.mkdtemp(prefix="og-vr-"))
    config = StoreConfig(backend="falkordb", home=home)
    out: dict = {"backend": "falkordb", "artifacts": args.artifacts, "repeats": args.repeats, "by_versions": {}}
    try:
        with open_store(config) as store:
            for n in args.versions:
                uids = load(store, n, args.artifacts, f"vr{n}")
                asks = [{"key": u, "uid": u, "before": 1_700_000_000_000 + DAY_MS * 365, "exclude": ""} for u in uids]
                assert (sorted(map(str, store.read("ol_version_before", rows=asks)))
                        == sorted(map(str, store._read_text(SCAN_BEFORE, {"rows": asks}))))
                row = {
                    "latest (pointer)": timed(lambda: store.read("latest_versions_of", uids=uids), args.repeats),
                    "latest (scan, baseline)": timed(lambda: store._read_text(SCAN_LATEST, {"uids": uids}), args.repeats),
                    "before (pointer)": timed(lambda: store.read("ol_version_before", rows=asks), args.repeats),
                    "before (scan, baseline)": timed(lambda: store._read_text(SCAN_BEFORE, {"rows": asks}), args.repeats),
                }
                out["by_versions"][n] = row
                log(f"{n} versions x {args.artifacts} artifacts: {row}")
    finally:
        _stop_embedded(home)
        shutil.rmtree(home, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--versions", default="10,100,1000,5000")
    p.add_argument("--artifacts", type=int, default=20)
    p.add_argument("--repeats", type=int, default=21)
    args = p.parse_args(argv)
    args.versions = [int(x) for x in args.versions.split(",")]
    print(json.dumps(run(args), indent=2))


if __name__ == "__main__":
    main()
