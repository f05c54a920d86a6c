"""What differs between two versions: "what changed since the last good one".

Why per key: hyperparameters, metrics and deployment conditions are free-form maps
stored as canonical JSON; a responder needs to see which keys appeared, disappeared or
changed value, not two blobs. Lineage, commit and run are compared as provenance: an
upstream version swapped under a model is often the whole story of an incident.
"""

from __future__ import annotations

from typing import Any

from ..errors import BadParameter, NotFound
from ..schema import split_version_uid, version_ref_problem
from ..store.base import GraphStore, batched
from . import stored_json
from .history import version_rows
from .lineage_view import columns, diff_columns

MAP_FIELDS = ("hyperparameters", "metrics", "deployment")


def parse_version_ref(name: str, text: str) -> tuple[str, str]:
    """Split ``uid@version`` or raise ``BadParameter(name, ...)`` saying what is wrong."""
    text = (text or "").strip()
    problem = version_ref_problem(text)
    if problem:
        raise BadParameter(name, problem)
    return split_version_uid(text)


def _load(store: GraphStore, uids: list[str]) -> dict[str, dict]:
    rows = store.read("version_provenance", uids=uids)
    folded = {v["uid"]: v for v in version_rows(rows)}
    for r in rows:
        v = folded[r["uid"]]
        v["artifact"] = r["artifact"]
        for f in MAP_FIELDS:
            v[f] = stored_json.load_map(r[f])
        v["schema"] = columns(r.get("schema"))
        v["created_ms"], v["commit_ms"] = r["created_at"], r["commit_time"]
    return folded


def diff_maps(a: dict[str, Any], b: dict[str, Any]) -> dict:
    """Per-key difference of two maps.

    Returns:
        ``{"only_in_a": {key: value}, "only_in_b": {key: value},
        "changed": {key: {"a": value, "b": value}}, "unchanged": int}``.
    """
    return {
        "only_in_a": {k: a[k] for k in sorted(a.keys() - b.keys())},
        "only_in_b": {k: b[k] for k in sorted(b.keys() - a.keys())},
        "changed": {k: {"a": a[k], "b": b[k]} for k in sorted(a.keys() & b.keys()) if a[k] != b[k]},
        "unchanged": sum(1 for k in a.keys() & b.keys() if a[k] == b[k]),
    }


def _upstream(store: GraphStore, vuid: str) -> set[tuple[str, str]]:
    return {(r["uid"], r["relation"]) for r in store.read("version_parents", uid=vuid)}


def _side(v: dict) -> dict:
    return {"uid": v["uid"], "artifact": v["artifact"], "version": v["version"], "seq": v["seq"],
            "created_at": v["created_at"], "commit": v["commit"], "run": v["run"]}


def compare(store: GraphStore, a: str, b: str | None = None) -> dict:
    """Differences between version ``a`` and version ``b`` (default: a's previous version).

    Args:
        a: ``uid@version`` of the version asked about (usually the newer one).
        b: ``uid@version`` to compare with; may belong to another artifact (the answer
            says so in ``note``).

    Returns:
        ``{"a": side, "b": side, "b_is_previous", "same_artifact", "note",
        "hyperparameters": map_diff, "metrics": map_diff, "deployment": map_diff,
        "upstream": {"added": [...], "removed": [...], "unchanged": [...]},
        "commit": {"changed", "a", "b"}, "run": {"changed", "a", "b"}, "identical"}``
        where a side is ``{"uid", "artifact", "version", "seq", "created_at", "commit",
        "run"}``, a map_diff is as ``diff_maps`` returns, and upstream entries are
        ``{"uid", "relation"}``: ``added`` are in a and not in b, ``removed`` in b only.

    Raises:
        BadParameter: ``a`` or ``b`` is not ``namespace/name@version``, or ``a`` has no
            previous version and ``b`` was not given.
        NotFound: a version that does not exist.
    """
    a_uid = "@".join(parse_version_ref("a", a))
    b_uid = "@".join(parse_version_ref("b", b)) if b else None
    found = _load(store, [u for u in (a_uid, b_uid) if u])
    if a_uid not in found:
        raise NotFound(f"unknown version {a_uid!r}")
    va = found[a_uid]
    if b_uid is None:
        b_uid = va["previous"]
        if b_uid is None:
            raise BadParameter("b", f"{a_uid} is the first version of {va['artifact']}; "
                                    "name a version to compare it with")
        found.update(_load(store, [b_uid]))
    if b_uid not in found:
        raise NotFound(f"unknown version {b_uid!r}")
    vb = found[b_uid]
    return diff(va, vb, _upstream(store, a_uid), _upstream(store, b_uid))


def diff(va: dict, vb: dict, up_a: set[tuple[str, str]], up_b: set[tuple[str, str]]) -> dict:
    """The compare answer of two loaded versions and their upstream (uid, relation) pairs.

    Pure: ``compare`` (one pair) and ``diffs_with_previous`` (many, read in bulk) both
    build their answers here, so a one-line summary says what the full compare shows.
    """
    same = va["artifact"] == vb["artifact"]

    def entries(pairs: set[tuple[str, str]]) -> list[dict]:
        return [{"uid": u, "relation": rel} for u, rel in sorted(pairs)]

    sha_a = va["commit"]["sha"] if va["commit"] else None
    sha_b = vb["commit"]["sha"] if vb["commit"] else None
    run_a = va["run"]["id"] if va["run"] else None
    run_b = vb["run"]["id"] if vb["run"] else None
    answer = {
        "a": _side(va), "b": _side(vb),
        "b_is_previous": va["previous"] == vb["uid"],
        "same_artifact": same,
        "note": None if same else (f"these are versions of different artifacts "
                                   f"({va['artifact']} and {vb['artifact']})"),
        **{f: diff_maps(va[f], vb[f]) for f in MAP_FIELDS},
        "upstream": {"added": entries(up_a - up_b), "removed": entries(up_b - up_a),
                     "unchanged": entries(up_a & up_b)},
        "commit": {"changed": sha_a != sha_b, "a": va["commit"], "b": vb["commit"]},
        "run": {"changed": run_a != run_b, "a": va["run"], "b": vb["run"]},
        # columns of the OpenLineage schema facet each version was written with
        "schema": diff_columns(va["schema"], vb["schema"]),
    }
    answer["identical"] = not (
        any(answer[f]["only_in_a"] or answer[f]["only_in_b"] or answer[f]["changed"] for f in MAP_FIELDS)
        or answer["upstream"]["added"] or answer["upstream"]["removed"]
        or answer["commit"]["changed"] or answer["run"]["changed"]
        or answer["schema"]["added"] or answer["schema"]["removed"] or answer["schema"]["changed"])
    return answer


def diffs_with_previous(store: GraphStore, vuids: list[str]) -> dict[str, dict | None]:
    """Each version compared with the version before it, read in bulk.

    Why in bulk: the incident answer summarises every recent upstream change; one
    ``compare`` per version is three round trips each, and an upstream of a few hundred
    changed artifacts would pay that a few hundred times. Here it is three reads (two
    version loads, one parents read, batched) whatever the number of versions.

    Returns:
        version uid -> the ``compare`` answer against its previous version, with
        ``a``/``b`` sides also carrying ``created_ms`` and ``commit_ms`` (epoch ms), or
        None for a first version; unknown versions are left out.
    """
    found: dict[str, dict] = {}
    for chunk in batched(sorted(set(vuids))):
        found.update(_load(store, chunk))
    prev = sorted({v["previous"] for v in found.values() if v["previous"]} - found.keys())
    for chunk in batched(prev):
        found.update(_load(store, chunk))
    parents: dict[str, set[tuple[str, str]]] = {u: set() for u in found}
    for chunk in batched(sorted(found)):
        for r in store.read("versions_parents", uids=chunk):
            parents[r["version"]].add((r["uid"], r["relation"]))
    out: dict[str, dict | None] = {}
    for u in vuids:
        va = found.get(u)
        if va is None:
            continue
        vb = found.get(va["previous"]) if va["previous"] else None
        if vb is None:
            out[u] = None
            continue
        d = diff(va, vb, parents[u], parents[vb["uid"]])
        for side, v in (("a", va), ("b", vb)):
            d[side].update(created_ms=v["created_ms"], commit_ms=v["commit_ms"])
        out[u] = d
    return out
