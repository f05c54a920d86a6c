"""What changed, inline: one line per recent upstream change (from the compare service),
newest first within a distance, and data refreshes apart and after, on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from graph_model.ingest import manifest, openlineage, parse
from graph_model.ingest.ol_events import events as ol_events
from graph_model.ingest.ol_names import artifact_uid
from graph_model.schema import to_epoch_ms
from graph_model.services import change_line, compare
from graph_model.services.incident import incident

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
T_NOW = to_epoch_ms(NOW)

PEOPLE = [{"id": p, "name": p.title()} for p in ("dora", "zoe", "al", "fay", "hal", "wes", "dan", "esc")]
TEAMS = [{"id": "ml", "name": "ML", "members": ["dora"], "escalation": ["esc"]}]


def iso(hours_ago: float) -> str:
    return (NOW - timedelta(hours=hours_ago)).isoformat().replace("+00:00", "Z")


def load(store, artifacts):
    data = {"reason": "test", "people": PEOPLE, "teams": TEAMS, "artifacts": artifacts}
    return manifest.ingest(store, parse.validate(data), actor="tester", at=to_epoch_ms(NOW - timedelta(days=60)))


def commit(sha: str, message: str, author: str, hours_ago: float) -> dict:
    return {"sha": sha * 8, "message": message, "author": author, "time": iso(hours_ago)}


def organisation() -> list[dict]:
    """deploy/api@2 (1 h old) runs models/zeta@2 (changed 5 h ago), models/alpha@2 (changed
    2 days ago) and the lookup table warehouse/t@2 (refreshed 20 h ago). Two hops up:
    features/f@2 (new code 3 days ago) and the feed data/events (a new snapshot 30 h ago)."""
    return [
        {"uid": "data/events", "kind": "dataset", "owner": "dan",
         "versions": [{"version": "2026-11-01", "created_at": iso(19 * 24)},
                      {"version": "2026-11-19", "created_at": iso(30)}]},
        {"uid": "warehouse/t", "kind": "dataset", "owner": "wes",
         "versions": [{"version": "1", "created_at": iso(10 * 24), "metrics": {"rows": 10},
                       "derived_from": [{"uid": "data/events@2026-11-01", "relation": "input"}]},
                      {"version": "2", "created_at": iso(20), "metrics": {"rows": 12},
                       "derived_from": [{"uid": "data/events@2026-11-19", "relation": "input"}]}]},
        {"uid": "features/f", "kind": "feature_set", "owner": "fay",
         "versions": [{"version": "1", "created_at": iso(20 * 24), "commit": commit("c1", "first cut", "fay", 21 * 24),
                       "derived_from": [{"uid": "warehouse/t@1", "relation": "input"}]},
                      {"version": "2", "created_at": iso(72),
                       "commit": commit("c2", "longer window\nand a second line", "hal", 74),
                       "derived_from": [{"uid": "warehouse/t@1", "relation": "input"}]}]},
        {"uid": "models/alpha", "kind": "model", "owner": "al",
         "versions": [{"version": "1", "created_at": iso(30 * 24), "hyperparameters": {"max_depth": 6, "lr": 0.1},
                       "derived_from": [{"uid": "features/f@1", "relation": "trained_on"}]},
                      {"version": "2", "created_at": iso(48), "hyperparameters": {"max_depth": 8, "lr": 0.1},
                       "derived_from": [{"uid": "features/f@2", "relation": "trained_on"}]}]},
        {"uid": "models/zeta", "kind": "model", "owner": "zoe",
         "versions": [{"version": "1", "created_at": iso(30 * 24), "hyperparameters": {"C": 1.0}},
                      {"version": "2", "created_at": iso(5), "hyperparameters": {"C": 0.5, "penalty": "l1"},
                       "derived_from": [{"uid": "data/events@2026-11-19", "relation": "trained_on"}]}]},
        {"uid": "deploy/api", "kind": "deployment", "owner": "dora", "team": "ml",
         "versions": [{"version": "1", "created_at": iso(40 * 24),
                       "derived_from": [{"uid": "models/alpha@1", "relation": "deployed_from"}]},
                      {"version": "2", "created_at": iso(1),
                       "derived_from": [{"uid": "models/alpha@2", "relation": "deployed_from"},
                                        {"uid": "models/zeta@2", "relation": "deployed_from"},
                                        {"uid": "warehouse/t@2", "relation": "features_from"}]}]},
    ]


def test_each_recent_change_says_what_changed_in_one_line(store):
    load(store, organisation())
    a = incident(store, "deploy/api", as_of=T_NOW)
    lines = {u["uid"]: u["recent_change"]["what"] for u in a["upstream"] if u["recent_change"]}
    assert lines == {
        "models/zeta": "C 1.0 -> 0.5, penalty added (l1); new input data/events@2026-11-19",
        "models/alpha": "max_depth 6 -> 8; new upstream version features/f@2",
        "features/f": 'commit: "longer window" by hal',
        "warehouse/t": "new upstream version data/events@2026-11-19",
        "data/events": "new snapshot, nothing else differs",
    }
    alpha = next(u["recent_change"] for u in a["upstream"] if u["uid"] == "models/alpha")
    assert alpha["compare"] == {"a": "models/alpha@2", "b": "models/alpha@1"}
    assert alpha["ago"] == "2 days before" and alpha["version"] == "models/alpha@2"
    # the line is what the full compare of the same two versions says
    for u in a["upstream"]:
        rc = u["recent_change"]
        if rc:
            full = compare.compare(store, rc["compare"]["a"], rc["compare"]["b"])
            assert change_line.line(full) == rc["what"], u["uid"]
    own = a["artifact"]["recent_change"]
    assert own["what"] == ("new inputs models/zeta@2, warehouse/t@2; new upstream version models/alpha@2")
    assert own["kind"] == "recent_change" and own["ago"] == "1 hour before"


def test_changes_newest_first_within_a_distance_then_refreshes(store):
    load(store, organisation())
    a = incident(store, "deploy/api", as_of=T_NOW)
    assert [(u["distance"], u["uid"], u["recent_change"]["kind"], u["recent_change"]["ago"])
            for u in a["upstream"]] == [
        (1, "models/zeta", "recent_change", "5 hours before"),
        (1, "models/alpha", "recent_change", "2 days before"),
        (1, "warehouse/t", "data_refresh", "20 hours before"),
        (2, "features/f", "recent_change", "3 days before"),
        (2, "data/events", "data_refresh", "1 day before"),
    ]
    flags = {u["uid"]: {"recent_change", "data_refresh"} & set(u["flags"]) for u in a["upstream"]}
    assert flags == {"models/zeta": {"recent_change"}, "models/alpha": {"recent_change"},
                     "warehouse/t": {"data_refresh"}, "features/f": {"recent_change"},
                     "data/events": {"data_refresh"}}
    assert (a["counts"]["recent_changes"], a["counts"]["data_refreshes"]) == (3, 2)
    # the page list: real changes in that order (with the commit's author), then refreshes
    assert [e["person"]["id"] for e in a["page"]] == ["dora", "zoe", "al", "fay", "hal", "wes", "dan", "esc"]
    reasons = {e["person"]["id"]: e["reasons"] for e in a["page"]}
    assert reasons["zoe"] == ["primary owner of models/zeta (distance 1), changed 5 hours before"]
    assert reasons["hal"] == ["authored commit c2c2c2c2c2 of features/f@2 (distance 2), 3 days before"]
    assert reasons["wes"] == ["primary owner of warehouse/t (distance 1), data refreshed 20 hours before"]
    assert reasons["dan"] == ["primary owner of data/events (distance 2), data refreshed 1 day before"]


def test_a_refresh_on_top_of_a_change_of_the_same_week_is_a_change(store):
    """features/g@3 (on the path) only re-ran, but g@2 of three days earlier changed the
    code: g@3 runs that change, so g is a recent change described by g@2."""
    arts = organisation()
    arts.insert(3, {"uid": "features/g", "kind": "feature_set", "owner": "fay", "versions": [
        {"version": "1", "created_at": iso(20 * 24), "commit": commit("d1", "first", "fay", 21 * 24),
         "derived_from": [{"uid": "warehouse/t@1", "relation": "input"}]},
        {"version": "2", "created_at": iso(80), "commit": commit("d2", "fix join", "hal", 81),
         "derived_from": [{"uid": "warehouse/t@1", "relation": "input"}]},
        {"version": "3", "created_at": iso(10), "commit": commit("d2", "fix join", "hal", 81),
         "derived_from": [{"uid": "warehouse/t@2", "relation": "input"}]},
        {"version": "4", "created_at": iso(2), "commit": commit("d4", "not on the path", "wes", 3),
         "derived_from": [{"uid": "warehouse/t@2", "relation": "input"}]}]})
    arts[-1]["versions"][1]["derived_from"].append({"uid": "features/g@3", "relation": "features_from"})
    load(store, arts)
    a = incident(store, "deploy/api", as_of=T_NOW)
    g = next(u for u in a["upstream"] if u["uid"] == "features/g")
    assert "recent_change" in g["flags"] and "data_refresh" not in g["flags"]
    rc = g["recent_change"]
    assert (rc["version"], rc["what"], rc["ago"], rc["compare"]) == (
        "features/g@2", 'commit: "fix join" by hal', "3 days before",
        {"a": "features/g@2", "b": "features/g@1"})
    # alone, g@3 against g@2 is only new data
    assert change_line.is_refresh(compare.compare(store, "features/g@3"))


def test_a_first_version_is_a_change_and_an_old_one_is_no_change(store):
    arts = organisation()
    arts.insert(0, {"uid": "data/new", "kind": "dataset", "owner": "dan",
                    "versions": [{"version": "1", "created_at": iso(6)}]})
    arts[-1]["versions"][1]["derived_from"].append({"uid": "data/new@1", "relation": "input"})
    arts.insert(0, {"uid": "data/old", "kind": "dataset", "owner": "dan",
                    "versions": [{"version": "1", "created_at": iso(30 * 24)}]})
    arts[-1]["versions"][1]["derived_from"].append({"uid": "data/old@1", "relation": "input"})
    load(store, arts)
    a = incident(store, "deploy/api", as_of=T_NOW)
    by_uid = {u["uid"]: u for u in a["upstream"]}
    new = by_uid["data/new"]["recent_change"]
    assert (new["kind"], new["what"], new["compare"]) == ("recent_change", "first version",
                                                          {"a": "data/new@1", "b": None})
    assert by_uid["data/old"]["recent_change"] is None
    assert not {"recent_change", "data_refresh"} & set(by_uid["data/old"]["flags"])


def _ol(run: str, minutes_ago: float, job: str, inputs: list, outputs: list) -> dict:
    return {"eventType": "COMPLETE", "eventTime": iso(minutes_ago / 60), "producer": "https://example.com/test",
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/definitions/RunEvent",
            "run": {"runId": run}, "job": {"namespace": "food", "name": job},
            "inputs": inputs, "outputs": outputs}


def _with_schema(name: str, *cols: str) -> dict:
    return {"namespace": "s3://lake", "name": name,
            "facets": {"schema": {"_producer": "https://example.com/test",
                                  "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
                                  "fields": [{"name": c, "type": "string"} for c in cols]}}}


def test_schema_columns_added_and_removed(store):
    """OpenLineage runs of a cleaning job wrote clean/orders with id, city, placed_at (a
    month ago), then with id, placed_at, tip, fee (3 hours ago); a report read it."""
    orders = {"namespace": "postgres://db:5432", "name": "public.orders"}
    evs = [_ol("0193a1b2-0000-7000-8000-000000000001", 30 * 24 * 60, "clean", [orders],
               [_with_schema("clean/orders", "id", "city", "placed_at")]),
           _ol("0193a1b2-0000-7000-8000-000000000002", 180, "clean", [orders],
               [_with_schema("clean/orders", "id", "placed_at", "tip", "fee")]),
           _ol("0193a1b2-0000-7000-8000-000000000003", 60, "report", [{"namespace": "s3://lake",
                                                                       "name": "clean/orders"}],
               [{"namespace": "s3://lake", "name": "reports/daily"}])]
    openlineage.ingest(store, ol_events(evs, batch=True), actor="tester", at=T_NOW)
    clean = artifact_uid("s3://lake", "clean/orders")
    a = incident(store, artifact_uid("s3://lake", "reports/daily"), as_of=T_NOW)
    rc = next(u["recent_change"] for u in a["upstream"] if u["uid"] == clean)
    assert rc["kind"] == "recent_change" and rc["ago"] == "3 hours before"
    assert rc["what"].split("; ")[0] == "schema: +2 columns, -1"
    assert rc["compare"] == {"a": f"{clean}@0193a1b2-0000-7000-8000-000000000002",
                             "b": f"{clean}@0193a1b2-0000-7000-8000-000000000001"}


def test_the_api_answer_carries_the_lines(client, store):
    load(store, organisation())
    resp = client.get("/api/v1/incident?artifact=deploy/api&as_of=2026-11-20T12:00:00Z")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert [(u["uid"], u["recent_change"]["kind"]) for u in body["upstream"]][:3] == [
        ("models/zeta", "recent_change"), ("models/alpha", "recent_change"), ("warehouse/t", "data_refresh")]
    assert body["upstream"][1]["recent_change"]["what"] == "max_depth 6 -> 8; new upstream version features/f@2"
    assert body["counts"]["data_refreshes"] == 2


def test_the_terminal_text_shows_the_lines(store):
    from app.cli import render_incident
    load(store, organisation())
    text = render_incident.incident(incident(store, "deploy/api", as_of=T_NOW))
    lines = text[text.index("UPSTREAM ("):].splitlines()
    zeta = next(i for i, line in enumerate(lines) if " models/zeta " in line)
    assert lines[zeta + 1].strip() == "changed 5 hours before: C 1.0 -> 0.5, penalty added (l1); " \
                                      "new input data/events@2026-11-19"
    t = next(i for i, line in enumerate(lines) if " warehouse/t " in line)
    assert lines[t + 1].strip() == "data refreshed 20 hours before: new upstream version data/events@2026-11-19"
