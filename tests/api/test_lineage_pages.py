"""The artifact and hotspot pages show what OpenLineage said (original names, sql,
documentation, schema, runs, the failed run's error) and declared ownership that differs;
text from events is escaped like any other user-typed text."""

from __future__ import annotations

import html

from graph_model.ingest import manifest, ol_events, openlineage, parse
from tests.lineage_corpus import CLEAN, J_CLEAN, J_KPIS, MANIFEST, MODEL, PRODUCER, corpus

EVIL = "<script>alert(1)</script>"


def load(store):
    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")
    events = corpus()
    events[0]["job"]["facets"]["sql"] = {"query": f"SELECT '{EVIL}'"}
    openlineage.ingest(store, ol_events.events(events, batch=True), actor="tester")


def test_pipeline_page_shows_facets_runs_and_errors(client, store):
    load(store)
    page = client.get(f"/artifact/{J_CLEAN}").get_data(as_text=True)
    assert "From OpenLineage" in page and "etl.clean_orders" in page
    assert html.escape(f"SELECT '{EVIL}'", quote=False) in page.replace("&#39;", "'")
    assert EVIL not in page
    assert "jobs/clean_orders.py" in page and "connection reset by food-db" in page
    page = client.get(f"/artifact/{J_KPIS}").get_data(as_text=True)
    assert "division by zero in kpi avg_eta" in page and "failed" in page


def test_dataset_page_shows_schema_and_model_page_the_declared_difference(client, store):
    load(store)
    page = client.get(f"/artifact/{CLEAN}").get_data(as_text=True)
    assert "placed_at" in page and "timestamptz" in page and "s3://food-lake" in page
    page = client.get(f"/artifact/{MODEL}").get_data(as_text=True)
    assert f"declared by openlineage:{PRODUCER}: primary cy (set: ed)" in page
    page = client.get("/hotspots").get_data(as_text=True)
    assert "Declared ownership that differs" in page and MODEL in page
