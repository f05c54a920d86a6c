"""OpenLineage events into the graph, on both engines: idempotence, out-of-order runs,
all-or-nothing batches and malformed events writing nothing. The food-delivery corpus's
hand-computed upstream, downstream, incident, ownership and compare answers are checked
in test_lineage_reads (one load per engine, read by every test there)."""

from __future__ import annotations

import copy
import threading
import time

import pytest

from graph_model.errors import ValidationFailed
from graph_model.ingest import manifest, ol_events, openlineage, parse
from graph_model.services import artifacts
from tests.lineage_corpus import (CLEAN, COURIERS, J_CLEAN, J_DAG, J_FEATS, J_KPIS, J_TRAIN, KPIS, LAKE, MANIFEST,
                                  MODEL, ORDERS, PG, PRODUCER, R1, R2, R3, R5, RESTAURANTS, TIMES, corpus, iso)


def post(store, events, actor="pipeline-bot"):
    return openlineage.ingest(store, ol_events.events(events, batch=True), actor=actor)


def load(store, events=None, one_by_one=True):
    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")
    events = corpus() if events is None else events
    if one_by_one:
        return [post(store, [e]) for e in events]
    return [post(store, events)]


def versions(store, uid):
    return sorted(v["version"] for v in artifacts.show(store, uid)["versions"])


def audit_count(store):
    return int(store.read("audit_head")[0]["seq"])


def test_the_same_events_twice_change_nothing(store):
    load(store)
    before = audit_count(store)
    for e in corpus():
        assert not post(store, [e]).changed
    assert not post(store, corpus()).changed
    assert audit_count(store) == before


def fingerprint(store) -> dict:
    out = {}
    for uid in (J_CLEAN, J_FEATS, J_TRAIN, J_KPIS, J_DAG, ORDERS, RESTAURANTS, COURIERS, CLEAN, TIMES, MODEL, KPIS):
        card = artifacts.show(store, uid)
        for who in [card["owner"], *card["stewards"]]:
            if who:
                who.pop("since")
        card["versions"] = sorted((v["version"], v["created_at"], (v["commit"] or {}).get("sha"),
                                   (v["run"] or {}).get("status")) for v in card["versions"])
        card.pop("latest_version")
        card["parents"] = card["children"] = None
        card["lineage_versions"] = {
            v: sorted((p["uid"], p["relation"]) for p in store.read("version_parents", uid=f"{uid}@{v}"))
            for v, *_ in card["versions"]}
        out[uid] = card
    return out


def test_complete_before_start_gives_the_same_graph(store):
    load(store)
    in_order = fingerprint(store)
    store.clear()
    store.ensure_schema()
    swapped = []
    events = corpus()
    for i in range(0, len(events), 2):                 # each run's two events, terminal first
        swapped += [events[i + 1], events[i]]
    load(store, swapped)
    assert fingerprint(store) == in_order


def test_a_batch_is_one_unit_and_gives_the_same_graph(store):
    load(store, one_by_one=False)
    assert versions(store, CLEAN) == sorted([R1, R5])
    assert {p["uid"] for p in store.read("version_parents", uid=f"{J_FEATS}@{R2}")} == \
        {f"{CLEAN}@{R1}", f"{COURIERS}@observed"}


def test_a_malformed_event_in_a_batch_writes_nothing(store):
    events = corpus()
    bad = copy.deepcopy(events[3])
    bad["run"]["runId"] = "not-a-uuid"
    del bad["job"]["name"]
    events[3] = bad
    with pytest.raises(ValidationFailed) as e:
        post(store, events)
    assert {p.path for p in e.value.problems} == {"[3].run.runId", "[3].job.name"}
    assert store.read("count_artifacts")[0]["n"] == 0
    assert audit_count(store) == 0


def test_unknown_facets_and_lenient_forms_are_accepted(store):
    event = corpus()[0]
    event["schemaUrl"] = event.pop("schemaURL")
    event["run"]["runId"] = R1.replace("-", "").upper()
    event["eventType"] = "start"
    event["eventTime"] = event["eventTime"].replace("Z", "")
    event["run"]["facets"]["spark_unknown"] = {"a": [1, 2, {"b": None}]}
    event["somethingNew"] = {"x": 1}
    load(store, [event])
    assert versions(store, J_CLEAN) == [R1]


def test_dataset_and_job_events_describe_without_runs(store):
    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")
    post(store, [
        {"eventTime": iso(1), "producer": PRODUCER, "schemaURL": "x",
         "dataset": {"namespace": PG, "name": "public.menus",
                     "facets": {"schema": {"fields": [{"name": "menu_id", "type": "int"}]},
                                "ownership": {"owners": [{"name": "team:Data Engineering"}]}}}},
        {"eventTime": iso(2), "producer": PRODUCER,
         "job": {"namespace": "food_delivery", "name": "etl.menus",
                 "facets": {"documentation": {"description": "loads menus"}}},
         "inputs": [{"namespace": PG, "name": "public.menus"}]},
    ])
    menus = artifacts.show(store, f"{ORDERS.split('/')[0]}/public.menus")
    assert menus["kind"] == "dataset" and menus["versions"] == []
    assert [c["name"] for c in menus["lineage"]["schema"]] == ["menu_id"]
    assert menus["team"]["id"] == "data-eng"       # a team declared by its name
    job = artifacts.show(store, "food_delivery/etl.menus")
    assert job["kind"] == "pipeline" and job["lineage"]["documentation"] == "loads menus"
    assert job["lineage"]["runs"] == []


def test_an_older_event_never_replaces_a_newer_facet(store):
    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")

    def dataset_event(minutes, column):
        return {"eventTime": iso(minutes), "producer": PRODUCER,
                "dataset": {"namespace": LAKE, "name": "x", "facets": {"schema": {"fields": [{"name": column}]}}}}
    post(store, [dataset_event(10, "new")])
    assert not post(store, [dataset_event(5, "old")]).changed
    uid = ORDERS.replace(ORDERS, CLEAN.split("/")[0] + "/x")
    assert [c["name"] for c in artifacts.show(store, uid)["lineage"]["schema"]] == ["new"]


def test_events_posted_at_once_are_joined_into_one_unit_and_give_the_same_graph(store):
    """Requests that wait while a lineage write runs are applied together (``ol_group``)."""
    load(store)
    in_order = fingerprint(store)
    store.clear()
    store.ensure_schema()
    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")
    events = corpus()
    results: dict[int, object] = {}
    committer = openlineage._COMMITTER
    with committer.lock:   # a write in progress: every request below queues
        threads = [threading.Thread(target=lambda i=i: results.update({i: post(store, [events[i]])}))
                   for i in range(len(events))]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(committer.queue) < len(events) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(committer.queue) == len(events)
    for t in threads:
        t.join(60)
    assert len(results) == len(events) and all(r.changed for r in results.values())
    assert len({(r.first_seq, r.last_seq) for r in results.values()}) == 1   # one unit answered all
    reasons = {e["reason"] for e in store.read("audit_events_for_targets", targets=[J_CLEAN])}
    assert reasons == {f"openlineage: {len(events)} events of {len(events)} requests, applied together"}
    assert fingerprint(store) == in_order
