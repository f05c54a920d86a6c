"""Each artifact's pointers to its newest versions (``ingest.version_pointers``), on both
engines: kept exact by manifests and lineage feeds whatever order versions and their times
arrive in, so the reads that use them (``latest_versions_of``, ``ol_version_before``)
answer what a scan of every version answers; a store without them is scanned, and
opening it fills them in."""

from __future__ import annotations

import pytest

from graph_model.ingest import manifest, ol_events, openlineage, parse
from graph_model.store import schema_setup
from tests.conftest import raw_write
from tests.lineage_corpus import MANIFEST, corpus

POINTERS = ("latest_version", "latest_seq", "newest_version", "newest_at", "newest_seq")


def ingest(store, m: dict) -> None:
    manifest.ingest(store, parse.validate(m), actor="tester")


def stored_versions(store, uid: str) -> list[dict]:
    return store.read("artifact_versions", uid=uid)


def truth_latest(versions: list[dict]) -> tuple | None:
    if not versions:
        return None
    top = max(versions, key=lambda v: v["seq"])
    return top["uid"], top["seq"]


def truth_before(versions: list[dict], before: int, exclude: str) -> tuple | None:
    ok = [v for v in versions if v["created_at"] < before and v["uid"] != exclude]
    if not ok:
        return None
    top = max(ok, key=lambda v: (v["created_at"], v["seq"]))
    return top["uid"], top["created_at"]


def pointers(store, uid: str) -> dict:
    rows = store._read_text("MATCH (a:Artifact {uid: $uid}) RETURN " +
                            ", ".join(f"a.{p} AS {p}" for p in POINTERS), {"uid": uid})
    return rows[0]


def check_reads(store, uids: list[str]) -> int:
    """Both reads against the scan-computed truth, at every instant that matters (each
    version's time, one before, one after) with and without each version left out."""
    asked = 0
    latest = {r["uid"]: (r["latest"], r["seq"]) for r in store.read("latest_versions_of", uids=uids)}
    for uid in uids:
        versions = stored_versions(store, uid)
        assert latest.get(uid) == truth_latest(versions), uid
        times = sorted({v["created_at"] for v in versions})
        instants = sorted({t + d for t in times for d in (-1, 0, 1)} | {0})
        rows = []
        for t in instants:
            for exclude in ["", *(v["uid"] for v in versions)]:
                rows.append({"key": f"{len(rows)}", "uid": uid, "before": t, "exclude": exclude})
        found = {r["key"]: (r["uid"], r["created_at"]) for r in store.read("ol_version_before", rows=rows)
                 if r.get("uid")}
        for r in rows:
            assert found.get(r["key"]) == truth_before(versions, r["before"], r["exclude"]), (uid, r)
        check_planner_reads(store, uid, versions, rows)
        asked += len(rows)
    return asked


def check_planner_reads(store, uid: str, versions: list[dict], rows: list[dict]) -> None:
    """The lineage planner's way (``openlineage.prefetch``): what the artifact's
    pointers answer from the artifact read, the query only for the rest; the same truth,
    with both ways used where the artifact has pointers (at an instant after the newest
    version the pointer answers, at or before it the versions are scanned)."""
    arts = {r["uid"]: r for r in store.read("ol_artifacts_by_uids", uids=[uid])}
    latest, unpointed = openlineage._latest_from_pointers(arts, {uid})
    if unpointed:
        latest.update({r["uid"]: r for r in store.read("latest_versions_of", uids=unpointed)})
    got = latest.get(uid)
    assert ((got["latest"], got["seq"]) if got else None) == truth_latest(versions), uid
    found, scan = openlineage._before_from_pointers(arts, rows)
    by_pointer = len(found)
    if scan:
        found.update({r["key"]: r for r in store.read("ol_version_before", rows=scan)})
    for r in rows:
        f = found.get(r["key"])
        assert ((f["uid"], f["created_at"]) if f and f.get("uid") else None) == \
            truth_before(versions, r["before"], r["exclude"]), (uid, r)
    if arts[uid].get("newest_version") is None:   # a store without pointers: all scanned
        assert by_pointer == 0
    elif versions:
        assert by_pointer and scan, (by_pointer, len(scan))


def check_pointers(store, uid: str) -> None:
    versions = stored_versions(store, uid)
    p = pointers(store, uid)
    assert (p["latest_version"], p["latest_seq"]) == truth_latest(versions)
    top = max(versions, key=lambda v: (v["created_at"], v["seq"]))
    assert (p["newest_version"], p["newest_at"], p["newest_seq"]) == (top["uid"], top["created_at"], top["seq"])


def test_manifest_versions_out_of_time_order_keep_the_pointers_exact(store):
    # numbered 1, 2, 3 but made at 300, 100, 200: newest by number is not newest by time
    ingest(store, {"artifacts": [{"uid": "x/a", "kind": "dataset", "versions": [
        {"version": "v1", "created_at": "2026-01-01T00:05:00Z"},
        {"version": "v2", "created_at": "2026-01-01T00:01:40Z"},
        {"version": "v3", "created_at": "2026-01-01T00:03:20Z"}]},
        {"uid": "x/none", "kind": "dataset"}]})
    check_pointers(store, "x/a")
    assert pointers(store, "x/none") == dict.fromkeys(POINTERS)     # no versions, no pointers
    assert check_reads(store, ["x/a", "x/none"]) > 20
    # the version pointed at by time moves back: the newest is found again among all
    ingest(store, {"artifacts": [{"uid": "x/a", "kind": "dataset", "versions": [
        {"version": "v1", "created_at": "2026-01-01T00:00:50Z"}]}]})
    assert pointers(store, "x/a")["newest_version"] == "x/a@v3"
    check_pointers(store, "x/a")
    check_reads(store, ["x/a"])
    # a later version by number but earlier in time moves only the number's pointer
    ingest(store, {"artifacts": [{"uid": "x/a", "kind": "dataset", "versions": [
        {"version": "v4", "created_at": "2026-01-01T00:00:10Z"}]}]})
    p = pointers(store, "x/a")
    assert (p["latest_version"], p["newest_version"]) == ("x/a@v4", "x/a@v3")
    check_pointers(store, "x/a")
    check_reads(store, ["x/a"])


@pytest.mark.parametrize("order", ["in time", "reversed"])
def test_lineage_runs_in_any_order_keep_the_pointers_exact(store, order):
    ingest(store, MANIFEST)
    events = corpus()
    if order == "reversed":   # COMPLETE before START: times of versions go back
        events = events[::-1]
    for e in events:
        openlineage.ingest(store, ol_events.events([e], batch=True), actor="pipeline-bot")
    uids = [r["uid"] for r in store._read_text(
        "MATCH (a:Artifact)<-[:VERSION_OF]-(:Version) RETURN DISTINCT a.uid AS uid", {})]
    assert len(uids) >= 8
    for uid in uids:
        check_pointers(store, uid)
    check_reads(store, uids)


def test_a_store_without_pointers_is_scanned_and_gets_them_when_opened(store, monkeypatch):
    uids = ["x/b", "x/c", "x/d"]
    ingest(store, {"artifacts": [{"uid": u, "kind": "dataset", "versions": [
        {"version": "v1", "created_at": "2026-01-01T00:05:00Z"},
        {"version": "v2", "created_at": "2026-01-01T00:01:40Z"}]} for u in uids]})
    raw_write(store, "MATCH (a:Artifact) REMOVE " + ", ".join(f"a.{p}" for p in POINTERS))
    assert sorted(r["uid"] for r in store.read("artifact_missing_version_pointers")) == uids
    check_reads(store, uids)                         # answered by scanning, the same
    monkeypatch.setattr(schema_setup, "VERSION_POINTER_PAGE", 2)   # two pages
    store.ensure_schema()                            # what opening the store does
    assert store.read("artifact_missing_version_pointers") == []
    for uid in uids:
        check_pointers(store, uid)
    check_reads(store, uids)
