"""The graph overview through Flask's test client: which pages open as
the overview, the groups and their counts (compared with what the manifest says, worked
out in the test), the ``graph`` parameter, and a hostile artifact name kept as data."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest

from bench.overview_page import EVIL, wide_manifest
from graph_model.ingest import manifest, parse
from tests.overview_graphs import expected_groups

SIZE = 70


@pytest.fixture
def wide(store):
    now = datetime.now(timezone.utc)
    m = wide_manifest(SIZE, prefix="ow", now=now, evil=True)
    manifest.ingest(store, parse.validate(m), actor="test")
    return m, now


def graph_data(html: str, graph_id: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{graph_id}-data">(.*?)</script>', html, re.S)
    assert found, f"no data block for {graph_id}"
    return json.loads(found.group(1))


def shown_groups(data: dict) -> dict[tuple[str, str], dict]:
    return {(g["kind"], g["place"]): {"count": g["count"], "no_owner": g["no_owner"], "recent": g["recent"],
                                      "members": set(g["members"])} for g in data["groups"]}


def as_places(expected: dict) -> dict[tuple[str, str], dict]:
    return {(kind, f"distance {d}"): g for (kind, d), g in expected.items()}


def test_a_large_impact_page_opens_as_groups_with_the_manifests_counts(client, wide):
    m, now = wide
    r = client.get("/impact/ow/source")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'data-mode="overview"' in html
    data = graph_data(html, "impact-graph")
    expected = expected_groups(m, "ow/source", now, downstream=True)
    assert sum(g["count"] for g in expected.values()) == SIZE
    assert shown_groups(data) == as_places(expected)
    assert any(g["no_owner"] for g in expected.values()) and any(g["recent"] for g in expected.values())
    assert {n["id"] for n in data["nodes"]} == {"ow/source"} | {u for g in expected.values() for u in g["members"]}
    # data flows left to right: every edge goes from a smaller column to a larger one
    level = {n["id"]: n["level"] for n in data["nodes"]}
    assert data["edges"] and all(level[e["from"]] < level[e["to"]] for e in data["edges"])
    assert [c["title"] for c in data["columns"]] == ["this artifact"] + [f"distance {d}" for d in range(1, 6)]


def test_the_graph_parameter_chooses_and_is_checked(client, wide):
    html = client.get("/impact/ow/source?graph=artifacts").get_data(as_text=True)
    assert 'data-mode="overview"' not in html
    data = graph_data(html, "impact-graph")
    assert "groups" not in data and len(data["nodes"]) == SIZE + 1
    r = client.get("/impact/ow/source?graph=everything")
    assert r.status_code == 400 and "graph" in r.get_data(as_text=True)


def test_a_small_graph_stays_the_artifact_graph_unless_asked(client, wide):
    m, now = wide
    uid = "ow/model-d3-0000"
    html = client.get(f"/incident/{uid}").get_data(as_text=True)
    expected = expected_groups(m, uid, now, downstream=False)
    assert sum(g["count"] for g in expected.values()) + 1 <= 40
    assert 'data-mode="overview"' not in html
    forced = graph_data(client.get(f"/incident/{uid}?graph=overview").get_data(as_text=True), "incident-graph")
    assert shown_groups(forced) == as_places(expected)
    centre = forced["nodes"][0]
    assert centre["id"] == uid and centre["failing"] is True
    # upstream: the furthest source on the left, the failing artifact on the right
    assert centre["level"] == max(n["level"] for n in forced["nodes"])


def test_the_artifact_page_groups_parents_and_users(client, wide):
    m, now = wide
    data = graph_data(client.get("/artifact/ow/source?graph=overview").get_data(as_text=True), "artifact-graph")
    users = {uid for (kind, d), g in expected_groups(m, "ow/source", now, downstream=True).items()
             if d == 1 for uid in g["members"]}
    assert {g["place"] for g in data["groups"]} == {"used by"}
    assert {u for g in data["groups"] for u in g["members"]} == users


def test_a_hostile_artifact_name_stays_data(client, wide):
    html = client.get("/impact/ow/source").get_data(as_text=True)
    block = re.search(r'id="impact-graph-data">(.*?)</script>', html, re.S).group(1)
    assert "<img" not in block and "\\u003cimg" in block
    data = graph_data(html, "impact-graph")
    assert f"ow/{EVIL}" in {n["id"] for n in data["nodes"]}
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
