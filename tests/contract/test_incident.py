"""Incident (upstream owners, whom to page) and impact (downstream) on hand-built graphs
with known answers, on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from graph_model.errors import BadParameter, NotFound
from graph_model.ingest import manifest, parse
from graph_model.schema import to_epoch_ms
from graph_model.services.impact import impact
from graph_model.services.incident import incident

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
T_NOW = to_epoch_ms(NOW)
LOADED = to_epoch_ms(NOW - timedelta(days=60))


def iso(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).isoformat().replace("+00:00", "Z")


PEOPLE = [{"id": p, "name": p.title()} for p in
          ("dora", "mo", "fay", "fred", "rae", "sam", "tess", "ian", "zed", "ed")]
TEAMS = [{"id": "ml", "name": "ML", "members": ["dora", "mo"], "escalation": ["tess", "dora"]},
         {"id": "data", "name": "Data", "members": ["fay", "rae"], "escalation": ["ed", "rae"]}]


def load(store, artifacts, people=PEOPLE, teams=TEAMS, at=LOADED, reason="test"):
    data = {"reason": reason, "people": people, "teams": teams, "artifacts": artifacts}
    return manifest.ingest(store, parse.validate(data), actor="tester", at=at)


def diamond(recent_two_hops: bool = False):
    """deploy/api <- models/m <- features/f1, features/f2 <- raw/r."""
    f1_time = 1 if recent_two_hops else 40
    return [
        {"uid": "raw/r", "kind": "dataset", "owner": "rae", "team": "data",
         "versions": [{"version": "1", "created_at": iso(50)}]},
        {"uid": "features/f1", "kind": "feature_set", "owner": "fay", "stewards": ["fred"], "team": "data",
         "versions": [{"version": "1", "created_at": iso(f1_time),
                       "commit": {"sha": "f1f1f1f1f1f1f1f1", "author": "zed", "time": iso(f1_time)},
                       "derived_from": [{"uid": "raw/r@1", "relation": "input"}]}]},
        {"uid": "features/f2", "kind": "feature_set", "owner": "fay", "team": "data",
         "versions": [{"version": "1", "created_at": iso(40), "derived_from": [{"uid": "raw/r@1"}]}]},
        {"uid": "models/m", "kind": "model", "owner": "mo", "stewards": ["sam"], "team": "ml",
         "versions": [{"version": "1", "created_at": iso(30),
                       "derived_from": [{"uid": "features/f1@1", "relation": "trained_on"},
                                        {"uid": "features/f2@1", "relation": "trained_on"}]}]},
        {"uid": "deploy/api", "kind": "deployment", "owner": "dora", "team": "ml",
         "links": {"runbook": "https://runbooks.example.com/api"},
         "versions": [{"version": "1", "created_at": iso(20),
                       "derived_from": [{"uid": "models/m@1", "relation": "deployed_from"}],
                       "deployment": {"status": "failing"}}]},
    ]


def page_ids(answer):
    return [e["person"]["id"] for e in answer["page"]]


def test_diamond_lists_each_upstream_artifact_once(store):
    load(store, diamond())
    a = incident(store, "deploy/api", as_of=T_NOW)
    assert [(u["uid"], u["distance"]) for u in a["upstream"]] == [
        ("models/m", 1), ("features/f1", 2), ("features/f2", 2), ("raw/r", 3)]
    assert a["truncated"] is False and a["truncated_reason"] is None
    assert a["artifact"]["version"] == "deploy/api@1"
    assert a["artifact"]["links"]["runbook"] == "https://runbooks.example.com/api"
    m = a["upstream"][0]
    assert m["owner"]["id"] == "mo" and [s["id"] for s in m["stewards"]] == ["sam"]
    assert m["relations"] == [{"source": "deploy/api@1", "target": "models/m@1", "relation": "deployed_from"}]
    assert len(a["edges"]) == 5
    # no recent change: failing owner, then upstream owners nearest first, then teams
    assert page_ids(a) == ["dora", "mo", "sam", "fay", "fred", "rae", "tess", "ed"]
    dora = a["page"][0]
    assert dora["reasons"][0] == "primary owner of deploy/api"
    assert any(r.startswith("escalation #2 of team ML") for r in dora["reasons"])
    assert "stale" in a["upstream"][-1]["flags"] and "no_steward" in a["upstream"][2]["flags"]


def test_recent_change_two_hops_up_is_paged_first_with_its_author(store):
    load(store, diamond(recent_two_hops=True))
    a = incident(store, "deploy/api", as_of=T_NOW)
    f1 = next(u for u in a["upstream"] if u["uid"] == "features/f1")
    assert "recent_change" in f1["flags"] and f1["recent_change"]["author"] == "zed"
    assert f1["recent_change"]["commit"] == "f1f1f1f1f1f1f1f1" and f1["recent_change"]["version"] == "features/f1@1"
    assert [u["uid"] for u in a["upstream"] if u["recent_change"]] == ["features/f1"]
    assert page_ids(a)[:5] == ["dora", "fay", "fred", "zed", "mo"]
    fay = a["page"][1]
    assert fay["reasons"][0] == "primary owner of features/f1 (distance 2), changed 1 day before"
    zed = a["page"][3]
    assert zed["reasons"] == ["authored commit f1f1f1f1f1 of features/f1@1 (distance 2), 1 day before"]
    assert a["counts"]["recent_changes"] == 1
    # asked as of before the change happened, it is not there at all
    earlier = incident(store, "deploy/api", as_of=T_NOW - 3 * 86_400_000)
    f1_then = next(u for u in earlier["upstream"] if u["uid"] == "features/f1")
    assert "recent_change" not in f1_then["flags"]


def test_long_chain_is_cut_at_the_depth_and_says_so(store):
    chain = [{"uid": "chain/c0", "kind": "dataset", "owner": "rae",
              "versions": [{"version": "1", "created_at": iso(10)}]}]
    for i in range(1, 61):
        chain.append({"uid": f"chain/c{i}", "kind": "dataset", "owner": "rae",
                      "versions": [{"version": "1", "created_at": iso(10),
                                    "derived_from": [{"uid": f"chain/c{i - 1}@1"}]}]})
    load(store, chain)
    a = incident(store, "chain/c60", as_of=T_NOW)
    assert len(a["upstream"]) == 10 and a["upstream"][-1] == a["upstream"][-1] | {"uid": "chain/c50",
                                                                                   "distance": 10}
    assert a["truncated"] is True and "depth limit 10" in a["truncated_reason"]
    a = incident(store, "chain/c60", depth=50, as_of=T_NOW)
    assert len(a["upstream"]) == 50 and a["truncated"] is True
    a = incident(store, "chain/c12", depth=50, as_of=T_NOW)
    assert len(a["upstream"]) == 12 and a["truncated"] is False
    a = incident(store, "chain/c60", depth=50, as_of=T_NOW, max_versions=20)
    assert a["truncated"] is True and "size cap" in a["truncated_reason"]
    with pytest.raises(BadParameter):
        incident(store, "chain/c60", depth=51)
    with pytest.raises(BadParameter):
        incident(store, "chain/c60", depth=0)


def test_deployment_on_an_old_model_version_follows_what_is_deployed(store):
    arts = [
        {"uid": "raw/d", "kind": "dataset", "owner": "rae", "versions": [
            {"version": "a", "created_at": iso(30)}, {"version": "c", "created_at": iso(5)}]},
        {"uid": "raw/new", "kind": "dataset", "owner": "fay", "versions": [{"version": "1", "created_at": iso(5)}]},
        {"uid": "models/m", "kind": "model", "owner": "mo", "versions": [
            {"version": "1", "created_at": iso(29), "derived_from": [{"uid": "raw/d@a", "relation": "trained_on"}]},
            {"version": "3", "created_at": iso(4), "derived_from": [{"uid": "raw/d@c", "relation": "trained_on"},
                                                                     {"uid": "raw/new@1"}]}]},
        {"uid": "deploy/old", "kind": "deployment", "owner": "dora", "versions": [
            {"version": "1", "created_at": iso(20), "derived_from": [{"uid": "models/m@1", "relation": "deployed_from"}]}]},
    ]
    load(store, arts)
    a = incident(store, "deploy/old", as_of=T_NOW)
    assert {u["uid"]: u["versions"] for u in a["upstream"]} == {"models/m": ["models/m@1"], "raw/d": ["raw/d@a"]}
    # the model's newest version (3) is recent, but what runs is 1: not a recent change
    # on this incident's path; the card still shows the newest version as last change
    m = a["upstream"][0]
    assert m["last_change"]["version"] == "models/m@3"
    assert "recent_change" not in m["flags"] and m["recent_change"] is None
    latest_path = incident(store, "models/m", as_of=T_NOW)
    raw_new = next(u for u in latest_path["upstream"] if u["uid"] == "raw/new")
    assert raw_new["recent_change"]["version"] == "raw/new@1"
    # asking about the model itself starts at its newest version
    latest = incident(store, "models/m", as_of=T_NOW)
    assert {u["uid"] for u in latest["upstream"]} == {"raw/d", "raw/new"}
    old = incident(store, "models/m", version="1", as_of=T_NOW)
    assert {u["uid"] for u in old["upstream"]} == {"raw/d"}
    with pytest.raises(NotFound):
        incident(store, "models/m", version="9")
    with pytest.raises(NotFound):
        incident(store, "models/nope")


def test_inactive_owner_routes_to_steward_or_team(store):
    people = PEOPLE + [{"id": "gone", "name": "Gone Away", "active": False}]
    arts = [
        {"uid": "raw/with-steward", "kind": "dataset", "owner": "gone", "stewards": ["fred"], "team": "data",
         "versions": [{"version": "1", "created_at": iso(40)}]},
        {"uid": "raw/alone", "kind": "dataset", "owner": "gone", "team": "data",
         "versions": [{"version": "1", "created_at": iso(40)}]},
        {"uid": "models/x", "kind": "model", "owner": "gone", "stewards": ["sam"], "team": "ml",
         "versions": [{"version": "1", "created_at": iso(30),
                       "derived_from": [{"uid": "raw/with-steward@1"}, {"uid": "raw/alone@1"}]}]},
    ]
    load(store, arts, people=people)
    a = incident(store, "models/x", as_of=T_NOW)
    ids = page_ids(a)
    assert "gone" not in ids
    # failing artifact: owner inactive -> steward, then its team's escalation pulled forward
    assert ids[:3] == ["sam", "tess", "dora"]
    # nearest first, then by uid: raw/alone has no steward -> the data team's escalation;
    # raw/with-steward -> its steward
    assert ids[3:] == ["ed", "rae", "fred"]
    assert a["artifact"]["flags"][:1] == ["owner_inactive"]
    assert any("Gone Away (gone), primary owner of models/x, is inactive" in n for n in a["notes"])
    assert any("raw/alone" in n and "team escalation" in n for n in a["notes"])


def test_handover_asked_before_and_after(store):
    t1 = to_epoch_ms(NOW - timedelta(days=10))
    t2 = to_epoch_ms(NOW - timedelta(days=5))
    arts = [{"uid": "models/h", "kind": "model", "owner": "mo", "stewards": ["sam"], "team": "ml",
             "versions": [{"version": "1", "created_at": iso(12)}]}]
    load(store, arts, at=t1)
    manifest.ingest(store, parse.validate({"reason": "mo left the project", "artifacts": [
        {"uid": "models/h", "kind": "model", "owner": "ian"}],
        "teams": [{"id": "ml", "name": "ML", "members": ["dora", "ian"]}]}), actor="tester", at=t2)
    before = incident(store, "models/h", as_of=t2 - 1000)
    after = incident(store, "models/h", as_of=T_NOW)
    assert [m["id"] for m in before["artifact"]["team"]["members"]] == ["dora", "mo"]
    assert [m["id"] for m in after["artifact"]["team"]["members"]] == ["dora", "ian"]
    assert before["artifact"]["owner"]["id"] == "mo" and page_ids(before) == ["mo", "sam", "tess", "dora"]
    assert after["artifact"]["owner"]["id"] == "ian" and page_ids(after) == ["ian", "sam", "tess", "dora"]
    ancient = incident(store, "models/h", as_of=t1 + 1, version="1")
    assert ancient["artifact"]["owner"]["id"] == "mo"
    with pytest.raises(NotFound):  # no version existed yet
        incident(store, "models/h", as_of=t1 - 3 * 86_400_000)


def test_impact_groups_downstream_and_notifies_owners(store):
    load(store, diamond())
    a = impact(store, "raw/r")
    assert [g["kind"] for g in a["groups"]] == ["deployment", "model", "feature_set"]
    assert a["counts"] == {"deployment": 1, "model": 1, "feature_set": 2, "total": 4}
    assert a["groups"][0]["artifacts"][0]["distance"] == 3
    notify = {n["person"]["id"]: [o["uid"] for o in n["owns"]] for n in a["notify"]}
    assert notify == {"fay": ["features/f1", "features/f2"], "fred": ["features/f1"],
                      "mo": ["models/m"], "sam": ["models/m"], "dora": ["deploy/api"]}
    assert [t["id"] for t in a["teams"]] == ["data", "ml"]
    assert a["truncated"] is False
    one = impact(store, "features/f2", version="1", depth=1)
    assert one["counts"] == {"model": 1, "total": 1} and one["truncated"] is True
    with pytest.raises(NotFound):
        impact(store, "features/f2", version="7")
