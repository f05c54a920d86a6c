"""The food-delivery corpus (tests.lineage_corpus) as OpenLineage events into the graph, on
both engines, checked by hand-computed upstream, downstream, incident, ownership and
compare answers.

These tests only read, so the corpus is loaded once per engine for the module (event by
event, as test_lineage loads it) rather than once per test; the tests that write more
events are in test_lineage.
"""

from __future__ import annotations

import pytest

from graph_model.services import artifacts, compare, history, hotspots, impact, incident, lineage_view, provenance
from tests.lineage_corpus import (CLEAN, COURIERS, J_CLEAN, J_DAG, J_FEATS, J_KPIS, J_TRAIN, KPIS, LAKE, MODEL,
                                  ORDERS, PG, PRODUCER, R0, R1, R2, R4, R5, R6, R_DAG, RESTAURANTS, SHA, TIMES, iso)

from .test_lineage import load, versions

SOURCE = "openlineage:" + PRODUCER


@pytest.fixture(scope="module")
def store(module_store):
    """The corpus loaded once into a clean store of each engine."""
    load(module_store)
    return module_store


def test_corpus_maps_jobs_datasets_runs_and_versions(store):
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
    answer = compare.compare(store, f"{CLEAN}@{R5}")
    assert answer["b"]["uid"] == f"{CLEAN}@{R1}" and answer["b_is_previous"]
    assert [c["name"] for c in answer["schema"]["added"]] == ["tip"]
    assert answer["schema"]["removed"] == []
    assert [(c["name"], c["b"]["type"], c["a"]["type"]) for c in answer["schema"]["changed"]] == \
        [("placed_at", "timestamp", "timestamptz")]
    assert answer["schema"]["unchanged"] == 2
    assert not answer["identical"]


def test_upstream_of_the_model_and_whom_to_page(store):
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
    answer = incident.incident(store, KPIS)
    assert "run_failed" in answer["artifact"]["flags"]
    assert {u["uid"]: u["distance"] for u in answer["upstream"]} == \
        {J_KPIS: 1, CLEAN: 2, J_CLEAN: 3, ORDERS: 4, RESTAURANTS: 4}
    assert [p["person"]["id"] for p in answer["page"]][:2] == ["dee", "ana"]


def test_downstream_of_the_orders_table(store):
    answer = impact.impact(store, ORDERS)
    assert answer["start_versions"] == [f"{ORDERS}@observed"]
    got = {a["uid"]: a["distance"] for g in answer["groups"] for a in g["artifacts"]}
    assert got == {J_CLEAN: 1, CLEAN: 2, J_FEATS: 3, J_KPIS: 3, TIMES: 4, KPIS: 4, J_TRAIN: 5, MODEL: 6}
    assert answer["counts"] == {"model": 1, "pipeline": 4, "dataset": 3, "total": 8}
    assert [n["person"]["id"] for n in answer["notify"]] == ["ana", "bo", "dee", "cy", "ed"]


def test_ownership_facets_fill_empty_artifacts_and_never_overwrite_a_person(store):
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
    rows = {r["uid"]: r for r in hotspots.hotspots(store, limit=500)["artifacts"]}
    assert "run_failed" in rows[J_KPIS]["components"]["risk"]
    assert "its latest run failed" in rows[J_KPIS]["explanation"]
    assert "run_failed" in rows[J_CLEAN]["components"]["risk"]
    assert "run_failed" not in rows[J_FEATS]["components"]["risk"]
