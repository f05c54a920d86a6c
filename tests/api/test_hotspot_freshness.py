"""The web's hotspot answers come from the per-head ranking and say how fresh they are:
the API, the /hotspots page and the home page's fragment, on both backends."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

import pytest

from graph_model.ingest import manifest, parse
from graph_model.services import hotspot_cache

from ..analysis_manifests import risky


@pytest.fixture
def risky_client(client, store):
    manifest.ingest(store, parse.validate(risky(datetime.now(timezone.utc))), actor="tester")
    hotspot_cache.forget(store)
    hotspot_cache.for_store(store).min_gap_ms = 0     # recompute soon after a write
    yield client
    hotspot_cache.forget(store)


def _head(store) -> int:
    return int(store.read("audit_head")[0]["seq"])


def test_page_fragment_and_api_share_one_computation(risky_client, store):
    api = risky_client.get("/api/v1/hotspots", query_string={"limit": 5}).get_json()
    assert api["audit_seq"] == _head(store) and api["age_s"] == 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", api["computed_at"])
    page = risky_client.get("/hotspots").get_data(as_text=True)
    fragment = risky_client.get("/fragments/top-hotspots").get_data(as_text=True)
    again = risky_client.get("/api/v1/hotspots", query_string={"kind": "model"})
    assert again.status_code == 200
    assert hotspot_cache.for_store(store).computations == 1
    for html in (page, fragment):
        assert f'data-audit-seq="{api["audit_seq"]}"' in html
        assert f"up to date (audit event {api['audit_seq']}" in html


def test_after_a_write_the_answer_says_it_is_behind_then_catches_up(risky_client, store):
    before = risky_client.get("/api/v1/hotspots").get_json()
    manifest.ingest(store, parse.validate({"artifacts": [{"uid": "metrics/orphan", "kind": "metric",
                                                          "description": "now described"}]}), actor="tester")
    behind = risky_client.get("/api/v1/hotspots").get_json()
    cache = hotspot_cache.for_store(store)
    # served from the old ranking while the new one is computed in the background
    assert behind["audit_seq"] == before["audit_seq"] and 0 < behind["age_s"] <= 60
    html = risky_client.get("/hotspots").get_data(as_text=True)
    assert re.search(r"as of \d+ s ago \(audit event \d+; newer changes are being scored\)", html) \
        or "up to date" in html                         # the computation may have ended already
    deadline = time.monotonic() + 30          # well inside the 60 s bound
    after = behind
    while after["audit_seq"] != _head(store) and time.monotonic() < deadline:
        time.sleep(0.2)
        after = risky_client.get("/api/v1/hotspots").get_json()
        assert after["age_s"] <= 60
    assert after["audit_seq"] == _head(store) > before["audit_seq"] and after["age_s"] == 0
    assert cache.computations == 2
    assert "metrics/orphan" in {r["uid"] for r in after["artifacts"]}
    orphan = next(r for r in after["artifacts"] if r["uid"] == "metrics/orphan")
    assert "no_description" not in orphan["components"]["risk"]
