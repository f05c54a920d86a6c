"""``ownergraph check`` and the deploy gate at catalogue size.

Why measured: a check reads the whole catalogue (ten bulk reads, ``policy_facts``) and
runs every rule in process; the issue asks that it run at 10k artifacts in seconds, and
the deploy gate sits in a release pipeline. This runs both on a store that already holds
an organisation (``ownergraph --home DIR demo --size N --no-serve``):

    .venv/bin/python -m bench.policy_check --home DIR [--runs 5]
    .venv/bin/python -m bench.policy_check --store neo4j [--runs 5]

It prints the bulk read alone, the rules alone (over facts already read) and the whole
check, as nearest-rank percentiles (``bench.stats``), and the gate for one deployment.
"""

from __future__ import annotations

import argparse
import json
import time

from graph_model.store import StoreConfig, open_store
from graph_model.services import checks, gate, policy_facts

from .stats import summary


def _ms(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1000, out


def measure(store, runs: int) -> dict:
    reads, rules, whole = [], [], []
    answer = None
    for _ in range(runs):
        ms, facts = _ms(lambda: policy_facts.load(store))
        reads.append(ms)
        ms, answer = _ms(lambda: checks.evaluate(store, facts=facts))
        rules.append(ms)
        ms, _ = _ms(lambda: checks.evaluate(store))
        whole.append(ms)
    deployment = next((v["uid"] for v in answer["violations"] if v["kind"] == "deployment"), None)
    facts = policy_facts.load(store)
    dep = deployment or next(a.uid for a in facts.artifacts.values() if a.kind == "deployment")
    ref = facts.artifacts[dep].newest
    gates = [_ms(lambda: gate.deploy(store, ref))[0] for _ in range(runs)]
    return {"artifacts": answer["artifacts"], "violations": len(answer["violations"]),
            "errors": answer["counts"]["errors"], "coverage": answer["coverage"],
            "bulk_read_ms": summary(reads), "rules_ms": summary(rules), "check_ms": summary(whole),
            "gate_ref": ref, "gate_ms": summary(gates)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", help="data directory of the embedded store")
    ap.add_argument("--store", default=None, help="falkordb (default) or neo4j")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    store = open_store(StoreConfig.from_env(backend=args.store, home=args.home))
    try:
        print(json.dumps(measure(store, args.runs), indent=2))
    finally:
        store.close()


if __name__ == "__main__":
    main()
