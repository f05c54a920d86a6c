"""Risk hotspots on both backends, on a hand-built catalogue with known answers."""

from __future__ import annotations

import pytest

from graph_model.errors import BadParameter, NotFound
from graph_model.ingest import manifest, parse
from graph_model.schema import to_epoch_ms
from graph_model.services import hotspots

from ..analysis_manifests import NOW, risky

NOW_MS = to_epoch_ms(NOW)


@pytest.fixture
def answer(store):
    manifest.ingest(store, parse.validate(risky()), actor="tester", at=NOW_MS - 86_400_000)
    return hotspots.hotspots(store, limit=500, now_ms=NOW_MS)


def _rows(answer) -> dict[str, dict]:
    return {r["uid"]: r for r in answer["artifacts"]}


def test_only_risky_artifacts_are_ranked_highest_score_first(answer):
    rows = _rows(answer)
    assert answer["artifacts_total"] == 16
    assert set(rows) == {"raw/clicks", "features/clicks", "models/b", "models/c", "metrics/orphan",
                         *(f"chain/d{i}" for i in range(1, 9))}
    assert answer["artifacts_at_risk"] == 13
    scores = [r["score"] for r in answer["artifacts"]]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    order = [r["uid"] for r in answer["artifacts"]]
    assert order.index("raw/clicks") < order.index("features/clicks")
    assert order.index("models/b") < order.index("models/c")
    assert [u for u in order if u.startswith("chain/")] == [f"chain/d{i}" for i in range(1, 9)]


def test_downstream_reach_is_transitive_and_weighted(answer):
    rows = _rows(answer)
    raw = rows["raw/clicks"]["components"]
    assert raw["downstream"] == {"total": 6, "deployments": 2, "models": 3, "others": 1}
    assert raw["reach_weight"] == 1 + 1 + 3 * 2 + 2 * 3
    feat = rows["features/clicks"]["components"]
    assert feat["downstream"] == {"total": 5, "deployments": 2, "models": 3, "others": 0}
    assert rows["models/b"]["components"]["downstream"]["total"] == 1
    assert rows["models/c"]["components"]["reach_weight"] == 2
    assert rows["chain/d1"]["components"]["downstream"]["total"] == 7
    assert rows["chain/d8"]["components"]["downstream"]["total"] == 0
    # centrality: the root of the chain gathers more rank than its leaf
    assert rows["chain/d1"]["components"]["centrality"] > rows["chain/d8"]["components"]["centrality"]
    for r in answer["artifacts"]:
        c = r["components"]
        assert r["score"] == pytest.approx(c["impact"] * c["risk_total"], abs=0.01)


def test_ownership_staleness_and_metadata_risks(answer):
    rows = _rows(answer)
    assert rows["models/b"]["components"]["risk"] == {"owner_inactive": 1.5, "no_steward": 0.5}
    assert rows["models/b"]["explanation"] == \
        "1 deployment depends on it; primary owner cy is inactive; no steward"
    assert rows["models/c"]["components"]["risk"] == {"owner_inactive": 1.5}  # active steward ana
    assert rows["metrics/orphan"]["components"]["risk"] == {
        "no_primary_owner": 2.0, "no_steward": 0.5, "no_versions": 0.5, "no_team": 0.5,
        "no_description": 0.25}
    assert rows["raw/clicks"]["components"]["risk"] == {"no_steward": 0.5}
    assert rows["raw/clicks"]["explanation"] == \
        "6 artifacts depend on it, including 3 models and 2 deployments; no steward"


def test_sole_owner_of_widely_used_chain(answer):
    d1 = _rows(answer)["chain/d1"]
    assert d1["components"]["risk"] == {"no_steward": 0.5, "stale": 0.5, "sole_owner_load": 0.3}
    assert d1["explanation"] == ("7 artifacts depend on it; no steward; no version or run in 90 days; "
                                 "sole owner ed alone carries 3 widely used artifacts")
    # di solely owns two widely used artifacts: below the load threshold
    assert "sole_owner_load" not in _rows(answer)["raw/clicks"]["components"]["risk"]


def test_people_hotspots_are_the_bus_factor(answer):
    people = answer["people"]
    assert [p["person"] for p in people] == ["ed", "di", "ana"]
    ed, di, ana = people
    assert (ed["count"], ed["downstream"], ed["reach_weight"]) == (8, 28, 36)
    assert [a["uid"] for a in ed["artifacts"]][:3] == ["chain/d1", "chain/d2", "chain/d3"]
    assert (di["count"], di["downstream"], di["reach_weight"]) == (2, 11, 27)
    assert [a["uid"] for a in di["artifacts"]] == ["raw/clicks", "features/clicks"]
    assert [a["uid"] for a in ana["artifacts"]] == ["models/c"]  # cy, the primary, is inactive
    assert "cy" not in {p["person"] for p in people}
    assert di["name"] == "Di Rossi" and "2 artifacts with 11 dependents" in di["explanation"]


def test_filters_and_limit(store):
    manifest.ingest(store, parse.validate(risky()), actor="tester")
    models = hotspots.hotspots(store, kind="model", now_ms=NOW_MS)
    assert [r["uid"] for r in models["artifacts"]] == ["models/b", "models/c"]
    assert [p["person"] for p in models["people"]] == ["ana"]
    ml = hotspots.hotspots(store, team="ml", now_ms=NOW_MS)
    assert {r["uid"] for r in ml["artifacts"]} == {"models/b", "models/c"}
    data = hotspots.hotspots(store, team="data", now_ms=NOW_MS, limit=2)
    assert len(data["artifacts"]) == 2 and data["artifacts_at_risk"] == 10
    assert [p["person"] for p in data["people"]] == ["ed", "di"]
    # the ranking is global: a filtered row keeps the reach it has in the whole graph
    assert hotspots.hotspots(store, kind="dataset", now_ms=NOW_MS, limit=500)["artifacts"][0][
        "components"]["downstream"]["total"] == 7


def test_fresh_activity_is_not_stale(store):
    manifest.ingest(store, parse.validate(risky()), actor="tester")
    early = hotspots.hotspots(store, limit=500, now_ms=NOW_MS - 80 * 86_400_000)
    d1 = _rows(early)["chain/d1"]
    assert "stale" not in d1["components"]["risk"]


@pytest.mark.parametrize("kw, name", [({"limit": 0}, "limit"), ({"limit": 501}, "limit"),
                                      ({"kind": "rocket"}, "kind")])
def test_bad_parameters(store, kw, name):
    with pytest.raises(BadParameter) as info:
        hotspots.hotspots(store, **kw)
    assert info.value.name == name


def test_unknown_team_and_empty_store(store):
    assert hotspots.hotspots(store)["artifacts"] == []
    manifest.ingest(store, parse.validate(risky()), actor="tester")
    with pytest.raises(NotFound):
        hotspots.hotspots(store, team="nobody")
