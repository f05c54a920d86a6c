"""GET /api/v1/check, the gate and the recorded runs over the API, and the /governance
page (the rules themselves: tests/contract/test_policy_checks.py, on both engines)."""

from __future__ import annotations

import pytest

from graph_model.ingest import manifest, parse
from graph_model.services import check_history, checks

from ..contract.test_policy_checks import catalogue


@pytest.fixture
def org(store):
    manifest.ingest(store, parse.validate(catalogue()), actor="test")
    return store


def test_check_answer_filters_and_limit(client, org):
    got = client.get("/api/v1/check").get_json()
    assert got["ok"] is False and got["artifacts"] == 6 and got["truncated"] is False
    assert got["violations_total"] == len(got["violations"]) == got["counts"]["errors"] + got["counts"]["warnings"]
    assert {"deploy/bad", "models/bad"} <= {v["uid"] for v in got["violations"]}
    cut = client.get("/api/v1/check?limit=2").get_json()
    assert len(cut["violations"]) == 2 and cut["truncated"] is True and cut["violations_total"] == got["violations_total"]
    deployments = client.get("/api/v1/check?kind=deployment").get_json()
    assert {v["uid"] for v in deployments["violations"]} == {"deploy/bad"}
    assert deployments["filters"] == {"kind": "deployment", "team": None, "namespace": None}
    assert client.get("/api/v1/check?namespace=data").get_json()["ok"] is True
    assert client.get("/api/v1/check?team=nobody").status_code == 404
    assert client.get("/api/v1/check?kind=spaceship").status_code == 400


def test_gate_and_runs(client, org):
    assert client.get("/api/v1/check/gate?ref=deploy/good@1").get_json()["allowed"] is True
    no = client.get("/api/v1/check/gate?ref=deploy/bad@1").get_json()
    assert no["allowed"] is False and "no runbook link" in no["reasons"]
    assert client.get("/api/v1/check/gate?ref=deploy/good@9").status_code == 404
    assert client.get("/api/v1/check/gate?ref=nope").status_code == 400
    assert client.get("/api/v1/check/runs").get_json() == {"runs": []}
    seq = check_history.record(org, checks.evaluate(org), actor="test")
    runs = client.get("/api/v1/check/runs").get_json()["runs"]
    assert [r["seq"] for r in runs] == [seq] and 0 < runs[0]["coverage"] < 1
    assert runs[0]["rules"]["evaluated"] == 0.5
    with pytest.raises(ValueError):
        check_history.record(org, checks.evaluate(org, kind="model"), actor="test")


def test_governance_page(client, org):
    page = client.get("/governance").get_data(as_text=True)
    assert 'id="no-runs"' in page and 'id="coverage-chart"' not in page
    assert 'data-rule="evaluated" data-uid="deploy/bad"' in page
    assert "deploy/bad@1 runs models/bad@1, which has no evaluation" in page
    assert 'id="rule-coverage"' in page and 'id="team-coverage"' in page and 'id="kind-coverage"' in page
    for at in (1_700_000_000_000, 1_700_086_400_000):
        check_history.record(org, checks.evaluate(org, at=at), actor="test")
    page = client.get("/governance").get_data(as_text=True)
    assert 'id="coverage-chart"' in page and page.count('class="dot"') == 2
    assert ">2023-11-14<" in page and ">2023-11-15<" in page          # the instants judged, oldest first
    only = client.get("/governance?kind=deployment").get_data(as_text=True)
    assert 'data-uid="models/bad"' not in only and 'data-uid="deploy/bad"' in only
    assert client.get("/governance?kind=spaceship").status_code == 400
