"""The fixed query sample: which artifacts incident and impact are timed on.

Why drawn from the demo's manifests and not from the store: the sample must be the same
on both backends and in every run, so it comes from the generated data itself
(deterministic for a size, seed and ``now``) through a seeded generator, never from
query results whose order an engine may vary.

The mix is what responders and analysts ask about: the failing deployment and the model
it runs, other deployments, models, and widely used datasets (those with many direct
dependents, where an impact answer is large).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from graph_model import demo

WIDELY_USED = 5              # direct dependent artifacts that make a dataset "widely used"
MIX = (("deployment", 0.4), ("model", 0.3), ("dataset", 0.3))


@dataclass
class Sample:
    """Artifacts to time, in timing order, and why each was chosen."""

    uids: list[str] = field(default_factory=list)
    why: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for reason in self.why.values():
            out[reason] = out.get(reason, 0) + 1
        return out


def scan(size: int, seed: int, now: datetime) -> tuple[dict[str, str], dict[str, int]]:
    """(artifact uid -> kind, dataset uid -> number of distinct direct dependents), for
    artifacts that have at least one version (the others have nothing to walk)."""
    kinds: dict[str, str] = {}
    dependents: dict[str, set[str]] = {}
    for chunk in demo.iter_demo_chunks(size=size, seed=seed, now=now):
        for a in chunk["artifacts"]:
            if not a.get("versions"):
                continue
            kinds[a["uid"]] = a["kind"]
            for v in a["versions"]:
                for d in v.get("derived_from", ()):
                    up = d["uid"].rpartition("@")[0]
                    if up != a["uid"]:
                        dependents.setdefault(up, set()).add(a["uid"])
    counts = {uid: len(ds) for uid, ds in dependents.items() if kinds.get(uid) == "dataset"}
    return kinds, counts


def choose(size: int, seed: int, now: datetime, n: int = 200) -> Sample:
    """The failing deployment and its model, then a seeded draw by ``MIX``, shuffled
    (seeded) so that any prefix of the list is a fair mix too (time budgets cut prefixes)."""
    facts = demo.demo_facts(size=size, seed=seed, now=now)
    kinds, dependents = scan(size, seed, now)
    rng = random.Random(seed)
    s = Sample()
    for uid, why in ((facts.failing_deployment, "failing deployment"), (facts.failing_model, "failing model")):
        if uid in kinds and len(s.uids) < n:
            s.uids.append(uid)
            s.why[uid] = why
    widely = sorted(u for u, c in dependents.items() if c >= WIDELY_USED)
    if len(widely) < 10:   # small organisations: the most used datasets instead
        widely = sorted(dependents, key=lambda u: (-dependents[u], u))[:max(10, len(widely))]
    pools = {
        "deployment": sorted(u for u, k in kinds.items() if k == "deployment"),
        "model": sorted(u for u, k in kinds.items() if k == "model"),
        "dataset": sorted(widely),
    }
    label = {"deployment": "deployment", "model": "model", "dataset": "widely used dataset"}
    room = n - len(s.uids)
    for i, (kind, share) in enumerate(MIX):
        want = room - sum(round(room * sh) for _, sh in MIX[:-1]) if i == len(MIX) - 1 else round(room * share)
        pool = [u for u in pools[kind] if u not in s.why]
        for uid in rng.sample(pool, min(want, len(pool))):
            s.uids.append(uid)
            s.why[uid] = label[kind]
    head, rest = s.uids[:2], s.uids[2:]
    rng.shuffle(rest)
    s.uids = head + rest
    return s
