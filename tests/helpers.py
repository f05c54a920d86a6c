"""Small readers used by tests to look at the graph directly."""

from __future__ import annotations


def counts(store) -> dict[str, int]:
    nodes = {r["label"]: r["n"] for r in store.read("count_nodes")}
    rels = {r["type"]: r["n"] for r in store.read("count_relationships")}
    return {**nodes, **{f"-{k}-": v for k, v in rels.items()}}


def owners(store, uid: str) -> dict[str, set[str]]:
    row = store.read("artifacts_by_uids", uids=[uid])[0]
    out: dict[str, set[str]] = {"primary": set(), "steward": set()}
    for o in row["owners"]:
        if o.get("person"):
            out[o["role"]].add(o["person"])
    out["team"] = set(row["teams"])
    return out
