"""OpenLineage events into the graph, on both engines: the food-delivery corpus checked by
hand-computed upstream, downstream, incident, ownership and compare answers; idempotence,
out-of-order runs, all-or-nothing batches and malformed events writing nothing."""

from __future__ import annotations

import copy
import threading
import time

import pytest

from graph_model.errors import ValidationFailed
from graph_model.ingest import manifest, ol_events, openlineage, parse
from graph_model.services import artifacts, compare, history, hotspots, impact, incident, lineage_view, provenance
from tests.lineage_corpus import (CLEAN, COURIERS, J_CLEAN, J_DAG, J_FEATS, J_KPIS, J_TRAIN, KPIS, LAKE, MANIFEST,
                                  MODEL, ORDERS, PG, PRODUCER, R0, R1, R2, R3, R4, R5, R6, R_DAG, RESTAURANTS,
                                  SHA, TIMES, corpus, iso)

SOURCE = "openlineage:" + PRODUCER


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


def test_corpus_maps_jobs_datasets_runs_and_versions(store):
    load(store)
    kinds = {uid: artifacts.show(store, uid)["kind"] for uid in
             (J_CLEAN, J_FEATS, J_TRAIN, J_KPIS, J_DAG, ORDERS, CLEAN, TIMES, KPIS)}
    assert set(kinds.values()) == {"pipeline", "dataset"}
    assert kinds[J_CLEAN] == kinds[J_DAG] == "pipeline" and kinds[ORDERS] == kinds[KPIS] == "dataset"
    assert artifacts.show(store, MODEL)["kind"] == "model"          # a person's kind stays
    # outputs get one version per completed run; a failed run records none
    assert versions(store, CLEAN) == sorted([R1, R5])
    assert versions(store, KPIS) == [R0]
    assert versions(store, ORDERS) == ["observed"]
    assert versions(store, J_CLEAN) == sorted([R1, R5, R6])
    assert versions(store, J_KPIS) == sorted([R0, R4])
    assert versions(store, J_DAG) == []
    # version-level lineage: output <- run's pipeline version <- newest input versions
    parents = {(p["uid"], p["relation"]) for p in store.read("version_parents", uid=f"{CLEAN}@{R1}")}
    assert parents == {(f"{J_CLEAN}@{R1}", "written_by")}
    parents = {(p["uid"], p["relation"]) for p in store.read("version_parents", uid=f"{J_FEATS}@{R2}")}
    assert parents == {(f"{CLEAN}@{R1}", "input"), (f"{COURIERS}@observed", "input")}
    # R4 ran after R1 and before R5 wrote clean/orders again: it read R1's version
    parents = {p["uid"] for p in store.read("version_parents", uid=f"{J_KPIS}@{R4}")}
    assert parents == {f"{CLEAN}@{R1}"}


def test_runs_states_times_parent_and_error(store):
    load(store)
    runs = {r["id"]: r for r in lineage_view.runs(store, J_KPIS)}
    assert set(runs) == {R0, R4}
    assert runs[R4]["status"] == "failed" and runs[R4]["error_message"] == "division by zero in kpi avg_eta"
    assert runs[R4]["started_at"] == iso(60) and runs[R4]["ended_at"] == iso(70)
    assert runs[R0]["status"] == "completed" and runs[R0]["ended_at"] == iso(30)
    assert runs[R0]["parent"] == {"run": R_DAG, "job": J_DAG}
    assert [r["id"] for r in lineage_view.runs(store, J_DAG)] == [R_DAG]
    detail = provenance.version(store, J_KPIS, R4)
    assert detail["run"]["status"] == "failed"
    assert detail["run"]["error_message"] == "division by zero in kpi avg_eta"


def test_facets_on_the_artifact_page_and_original_names_searchable(store):
    load(store)
    card = artifacts.show(store, J_CLEAN)
    lin = card["lineage"]
    assert lin["namespace"] == "food_delivery" and lin["name"] == "etl.clean_orders"
    assert lin["sql"].startswith("SELECT o.*, r.city")
    assert lin["documentation"] == "Drops test orders and joins the restaurant's city."
    assert lin["source_code"]["path"] == "jobs/clean_orders.py" and lin["source_code"]["version"] == SHA
    assert [r["id"] for r in lin["runs"]] == [R6, R5, R1]
    # the commit of sourceCodeLocation is the provenance of the run's versions
    assert provenance.version(store, J_CLEAN, R1)["commit"]["sha"] == SHA
    assert provenance.version(store, CLEAN, R1)["commit"]["repo"] == "https://git.example.com/food/etl.git"
    clean = artifacts.show(store, CLEAN)["lineage"]
    assert (clean["namespace"], clean["name"]) == (LAKE, "clean/orders")
    assert [c["name"] for c in clean["schema"]] == ["order_id", "city", "placed_at", "tip"]
    found = {r["uid"]: r["matched"] for r in artifacts.search(store, "food-db:5432/public.orders")}
    assert found == {ORDERS: ["origin"]}
    assert artifacts.show(store, ORDERS)["lineage"]["namespace"] == PG


def test_compare_diffs_the_schema_facet_columns(store):
    load(store)
    answer = compare.compare(store, f"{CLEAN}@{R5}")
    assert answer["b"]["uid"] == f"{CLEAN}@{R1}" and answer["b_is_previous"]
    assert [c["name"] for c in answer["schema"]["added"]] == ["tip"]
    assert answer["schema"]["removed"] == []
    assert [(c["name"], c["b"]["type"], c["a"]["type"]) for c in answer["schema"]["changed"]] == \
        [("placed_at", "timestamp", "timestamptz")]
    assert answer["schema"]["unchanged"] == 2
    assert not answer["identical"]


def test_upstream_of_the_model_and_whom_to_page(store):
    load(store)
    answer = incident.incident(store, MODEL)
    got = {u["uid"]: u["distance"] for u in answer["upstream"]}
    assert got == {J_TRAIN: 1, TIMES: 2, J_FEATS: 3, CLEAN: 4, COURIERS: 4, J_CLEAN: 5, ORDERS: 6,
                   RESTAURANTS: 6}
    flagged = {u["uid"] for u in answer["upstream"] if "run_failed" in u["flags"]}
    assert flagged == {J_CLEAN, CLEAN}          # R6 failed; clean/orders was its output
    assert answer["counts"]["runs_failed"] == 2
    assert "run_failed" not in answer["artifact"]["flags"]
    # ed set by a person comes first; ana (owner of clean_orders, whose latest run failed)
    # ranks before nearer owners whose pipelines are fine (no change is recent)
    assert [p["person"]["id"] for p in answer["page"]] == ["ed", "ana", "cy", "bo"]
    reasons = answer["page"][1]["reasons"]
    assert reasons == [f"primary owner of {J_CLEAN} (distance 5), latest run failed"]


def test_incident_on_the_failed_report_flags_it(store):
    load(store)
    answer = incident.incident(store, KPIS)
    assert "run_failed" in answer["artifact"]["flags"]
    assert {u["uid"]: u["distance"] for u in answer["upstream"]} == \
        {J_KPIS: 1, CLEAN: 2, J_CLEAN: 3, ORDERS: 4, RESTAURANTS: 4}
    assert [p["person"]["id"] for p in answer["page"]][:2] == ["dee", "ana"]


def test_downstream_of_the_orders_table(store):
    load(store)
    answer = impact.impact(store, ORDERS)
    assert answer["start_versions"] == [f"{ORDERS}@observed"]
    got = {a["uid"]: a["distance"] for g in answer["groups"] for a in g["artifacts"]}
    assert got == {J_CLEAN: 1, CLEAN: 2, J_FEATS: 3, J_KPIS: 3, TIMES: 4, KPIS: 4, J_TRAIN: 5, MODEL: 6}
    assert answer["counts"] == {"model": 1, "pipeline": 4, "dataset": 3, "total": 8}
    assert [n["person"]["id"] for n in answer["notify"]] == ["ana", "bo", "dee", "cy", "ed"]


def test_ownership_facets_fill_empty_artifacts_and_never_overwrite_a_person(store):
    load(store)
    owner = lambda uid: (artifacts.show(store, uid)["owner"] or {}).get("id")  # noqa: E731
    team = lambda uid: (artifacts.show(store, uid)["team"] or {}).get("id")  # noqa: E731
    assert (owner(J_CLEAN), team(J_CLEAN)) == ("ana", "data-eng")
    assert owner(J_FEATS) == "bo"                  # user:bo@food.example through bo's e-mail
    assert owner(J_KPIS) == "dee" and owner(J_TRAIN) == "cy"
    assert owner(MODEL) == "ed"                    # set by a person: kept
    declared = artifacts.show(store, MODEL)["declared"]
    assert [(d["source"], d["role"], d["holder"], d["set"], d["agrees"]) for d in declared] == \
        [(SOURCE, "primary", "cy", ["ed"], False)]
    assert declared[0]["text"] == f"declared by {SOURCE}: primary cy (set: ed)"
    diffs = hotspots.hotspots(store)["declared_differences"]
    assert [(d["uid"], d["holder"], d["set"]) for d in diffs] == [(MODEL, "cy", ["ed"])]
    # the fill is audited with the source and the run
    events = [e for e in history.history(store, J_CLEAN)["audit"] if e["action"] == "ownership.open"]
    assert len(events) == 1
    assert events[0]["actor"] == "pipeline-bot"
    assert events[0]["changes"]["source"] == SOURCE and events[0]["changes"]["run"] == R1


def test_hotspots_flag_failed_runs(store):
    load(store)
    rows = {r["uid"]: r for r in hotspots.hotspots(store, limit=500)["artifacts"]}
    assert "run_failed" in rows[J_KPIS]["components"]["risk"]
    assert "its latest run failed" in rows[J_KPIS]["explanation"]
    assert "run_failed" in rows[J_CLEAN]["components"]["risk"]
    assert "run_failed" not in rows[J_FEATS]["components"]["risk"]


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
