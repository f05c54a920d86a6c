"""Dashboard services after a change on top of the hand-built graph of
test_dashboard_services (a fresh store per test: these tests write)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from graph_model.ingest import manifest, parse
from graph_model.schema import to_epoch_ms
from graph_model.services import overview, people

from .test_dashboard_services import NOW, graph


@pytest.fixture
def loaded(store):
    manifest.ingest(store, parse.validate(graph()), actor="test", at=to_epoch_ms(NOW - timedelta(days=30)))
    return store


def test_failing_now_ignores_superseded_revisions(loaded):
    m = graph()
    m["artifacts"][3]["versions"].append({"version": "8", "created_at": "2026-11-23T00:00:00Z",
                                          "derived_from": [{"uid": "models/churn@2", "relation": "deployed_from"}],
                                          "deployment": {"status": "healthy"}})
    manifest.ingest(loaded, parse.validate(m), actor="test")
    assert [r["uid"] for r in overview.failing_now(loaded)] == ["orphan/thing"]


def test_person_lists_ended_ownership(loaded):
    m = graph()
    m["artifacts"][2]["owner"] = "bo"        # models/churn handed from ana to bo
    m["artifacts"][2]["stewards"] = ["ana"]
    manifest.ingest(loaded, parse.validate(m), actor="test")
    ana = people.person(loaded, "ana")
    assert [(r["uid"], r["role"]) for r in ana["ended"]] == [("models/churn", "primary")]
    assert [r["uid"] for r in ana["owns"]["steward"]] == ["models/churn"]
