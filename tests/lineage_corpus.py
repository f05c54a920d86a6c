"""A small food-delivery pipeline as OpenLineage events, written for the tests.

Sources (postgres, never written by an observed run): orders, restaurants, couriers.
Jobs (namespace ``food_delivery``), all under the parent run of ``airflow.daily_dag``:

    clean_orders   (run R1, completes)  orders, restaurants -> lake clean/orders
    delivery_feats (run R2, completes)  clean/orders, couriers -> lake features/delivery_times
    train_eta      (run R3, completes)  features/delivery_times -> lake models/eta
    daily_kpis     (run R0 completes at T+30 min; run R4 FAILS at T+70 min)
                                        clean/orders -> lake reports/daily_kpis
    clean_orders   (run R5 completes at T+75 with a changed schema; run R6 FAILS at T+85)

Ownership facets: clean_orders declares user:ana + team:data-eng; delivery_feats declares
user:bo@food.example (an e-mail alias of person ``bo``); train_eta user:cy; daily_kpis
user:dee; the model dataset declares user:cy while a person set ``ed`` as its owner.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

from graph_model.ingest.ol_names import artifact_uid

# ten days before the tests run: older than the 7 days of "recent change", so only the
# failed run ranks a pipeline's owners early in an incident's page list
T0 = (datetime.now(timezone.utc) - timedelta(days=10)).replace(second=0, microsecond=0)
PRODUCER = "https://github.com/OpenLineage/OpenLineage/tree/1.24.0/client/python"
SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/definitions/RunEvent"
JOB_NS = "food_delivery"
PG = "postgres://food-db:5432"
LAKE = "s3://food-lake"

R_DAG = "0193a1b2-0000-7000-8000-000000000000"
R0 = "0193a1b2-0000-7000-8000-0000000000a0"
R1 = "0193a1b2-0000-7000-8000-0000000000a1"
R2 = "0193a1b2-0000-7000-8000-0000000000a2"
R3 = "0193a1b2-0000-7000-8000-0000000000a3"
R4 = "0193a1b2-0000-7000-8000-0000000000a4"
R5 = "0193a1b2-0000-7000-8000-0000000000a5"
R6 = "0193a1b2-0000-7000-8000-0000000000a6"
SHA = "4f2c9a1e0b7d3c5a6e8f9a0b1c2d3e4f5a6b7c8d"

ORDERS = artifact_uid(PG, "public.orders")
RESTAURANTS = artifact_uid(PG, "public.restaurants")
COURIERS = artifact_uid(PG, "public.couriers")
CLEAN = artifact_uid(LAKE, "clean/orders")
TIMES = artifact_uid(LAKE, "features/delivery_times")
MODEL = artifact_uid(LAKE, "models/eta")
KPIS = artifact_uid(LAKE, "reports/daily_kpis")
J_CLEAN = "food_delivery/etl.clean_orders"
J_FEATS = "food_delivery/etl.delivery_feats"
J_TRAIN = "food_delivery/ml.train_eta"
J_KPIS = "food_delivery/bi.daily_kpis"
J_DAG = "food_delivery/airflow.daily_dag"

# the people and teams the graph holds before any event (set by a person, via a manifest)
MANIFEST = {
    "reason": "people and the model's owner, set by hand",
    "people": [{"id": "ana", "name": "Ana"}, {"id": "bo", "name": "Bo", "email": "Bo@Food.example"},
               {"id": "cy", "name": "Cy"}, {"id": "dee", "name": "Dee"}, {"id": "ed", "name": "Ed"}],
    "teams": [{"id": "data-eng", "name": "Data Engineering", "members": ["ana", "bo"], "escalation": ["bo"]}],
    "artifacts": [{"uid": MODEL, "kind": "model", "owner": "ed"}],
}


def iso(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def ds(namespace: str, name: str, **facets) -> dict:
    out = {"namespace": namespace, "name": name}
    if facets:
        out["facets"] = facets
    return out


def schema(*cols: tuple[str, str]) -> dict:
    return {"_producer": PRODUCER, "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
            "fields": [{"name": n, "type": t} for n, t in cols]}


def owners(*names: str) -> dict:
    return {"_producer": PRODUCER, "owners": [{"name": n, "type": "MAINTAINER"} for n in names]}


def parent() -> dict:
    return {"run": {"runId": R_DAG}, "job": {"namespace": JOB_NS, "name": "airflow.daily_dag"}}


def run_event(event_type: str, minutes: float, run: str, job: str, inputs=(), outputs=(), job_facets=None,
              run_facets=None) -> dict:
    return {
        "eventType": event_type, "eventTime": iso(minutes), "producer": PRODUCER, "schemaURL": SCHEMA_URL,
        "run": {"runId": run, "facets": {"parent": parent(), **(run_facets or {})}},
        "job": {"namespace": JOB_NS, "name": job, "facets": job_facets or {}},
        "inputs": list(inputs), "outputs": list(outputs),
    }


CLEAN_FACETS = {
    "sourceCodeLocation": {"type": "git", "url": "https://git.example.com/food/etl",
                           "repoUrl": "https://git.example.com/food/etl.git", "path": "jobs/clean_orders.py",
                           "version": SHA},
    "sql": {"query": "SELECT o.*, r.city FROM orders o JOIN restaurants r USING (restaurant_id)"},
    "documentation": {"description": "Drops test orders and joins the restaurant's city."},
    "ownership": owners("user:ana", "team:data-eng"),
    "somethingCustom": {"deep": {"kept": "or ignored, never an error"}},
}
CLEAN_OUT = ds(LAKE, "clean/orders", schema=schema(("order_id", "bigint"), ("city", "varchar"),
                                                   ("placed_at", "timestamp")))
CLEAN_OUT_V2 = ds(LAKE, "clean/orders", schema=schema(("order_id", "bigint"), ("city", "varchar"),
                                                      ("placed_at", "timestamptz"), ("tip", "decimal")))


def corpus() -> list[dict]:
    """Every event of the pipeline, in the order a scheduler would send them (a fresh copy:
    tests may change them)."""
    feats = {"ownership": owners("user:bo@food.example", "team:data-eng")}
    return copy.deepcopy([
        run_event("START", 0, R1, "etl.clean_orders",
                  [ds(PG, "public.orders"), ds(PG, "public.restaurants")], [CLEAN_OUT], CLEAN_FACETS),
        run_event("COMPLETE", 10, R1, "etl.clean_orders",
                  [ds(PG, "public.orders"), ds(PG, "public.restaurants")], [CLEAN_OUT], CLEAN_FACETS),
        run_event("START", 20, R0, "bi.daily_kpis", [ds(LAKE, "clean/orders")], [ds(LAKE, "reports/daily_kpis")],
                  {"ownership": owners("user:dee")}),
        run_event("COMPLETE", 30, R0, "bi.daily_kpis", [ds(LAKE, "clean/orders")],
                  [ds(LAKE, "reports/daily_kpis")], {"ownership": owners("user:dee")}),
        run_event("START", 40, R2, "etl.delivery_feats", [ds(LAKE, "clean/orders"), ds(PG, "public.couriers")],
                  [ds(LAKE, "features/delivery_times")], feats),
        run_event("COMPLETE", 50, R2, "etl.delivery_feats", [ds(LAKE, "clean/orders"), ds(PG, "public.couriers")],
                  [ds(LAKE, "features/delivery_times")], feats),
        run_event("START", 55, R3, "ml.train_eta", [ds(LAKE, "features/delivery_times")],
                  [ds(LAKE, "models/eta", ownership=owners("user:cy"))], {"ownership": owners("user:cy")}),
        run_event("COMPLETE", 65, R3, "ml.train_eta", [ds(LAKE, "features/delivery_times")],
                  [ds(LAKE, "models/eta", ownership=owners("user:cy"))], {"ownership": owners("user:cy")}),
        run_event("START", 60, R4, "bi.daily_kpis", [ds(LAKE, "clean/orders")], [ds(LAKE, "reports/daily_kpis")],
                  {"ownership": owners("user:dee")}),
        run_event("FAIL", 70, R4, "bi.daily_kpis", [ds(LAKE, "clean/orders")], [ds(LAKE, "reports/daily_kpis")],
                  {"ownership": owners("user:dee")},
                  {"errorMessage": {"message": "division by zero in kpi avg_eta", "programmingLanguage": "python",
                                    "stackTrace": "Traceback ...\nZeroDivisionError"}}),
        run_event("START", 72, R5, "etl.clean_orders",
                  [ds(PG, "public.orders"), ds(PG, "public.restaurants")], [CLEAN_OUT_V2], CLEAN_FACETS),
        run_event("COMPLETE", 75, R5, "etl.clean_orders",
                  [ds(PG, "public.orders"), ds(PG, "public.restaurants")], [CLEAN_OUT_V2], CLEAN_FACETS),
        run_event("START", 80, R6, "etl.clean_orders",
                  [ds(PG, "public.orders"), ds(PG, "public.restaurants")], [CLEAN_OUT_V2], CLEAN_FACETS),
        run_event("FAIL", 85, R6, "etl.clean_orders",
                  [ds(PG, "public.orders"), ds(PG, "public.restaurants")], [CLEAN_OUT_V2], CLEAN_FACETS,
                  {"errorMessage": {"message": "connection reset by food-db", "programmingLanguage": "python"}}),
    ])
