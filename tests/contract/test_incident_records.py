"""Incident records (open with a snapshot, timeline, resolve) and knowledge links, through
the one write path, on both backends."""

from __future__ import annotations

import pytest

from graph_model.errors import NotFound, PermissionDenied, ValidationFailed
from graph_model.ingest import manifest, parse
from graph_model.services import incident, incident_records, knowledge
from graph_model.services.access import Principal

from ..manifests import small

UPSTREAM = ["models/churn", "features/user", "raw/events"]


def who(pid: str, *scopes: str, team: str | None = None) -> Principal:
    return Principal(person=None if team else pid, team=team, scopes=frozenset(scopes or ("read", "write")),
                     via="token", token="t", address="127.0.0.1")


def head(store) -> int:
    return store.read("audit_head")[0]["seq"]


@pytest.fixture
def org(store):
    manifest.ingest(store, parse.validate(small()), actor="tester")
    return store


def opened(store, by: str = "di") -> dict:
    return incident_records.open_incident(store, who(by), artifact="deploy/churn-api", version=None,
                                          title="churn-api 5xx", severity="sev2")


def test_opening_snapshots_the_page_list_and_upstream_set(org):
    live = incident.incident(org, "deploy/churn-api")
    rec = opened(org)            # di is in neither ml nor the deployment's owners: anyone with write may
    assert rec["id"].startswith("inc-") and rec["status"] == "open" and rec["opened_by"] == "di"
    assert (rec["artifact"], rec["version"], rec["severity"]) == ("deploy/churn-api", "deploy/churn-api@7", "sev2")
    assert rec["touched"] == ["deploy/churn-api", *UPSTREAM]
    snap = rec["snapshot"]
    assert [e["person"] for e in snap["page"]] == [e["person"]["id"] for e in live["page"]]
    assert snap["page"][0]["reasons"] == live["page"][0]["reasons"]
    assert [(u["uid"], u["distance"], u["owner"], u["team"]) for u in snap["upstream"]] == [
        ("models/churn", 1, "ana", "ml"), ("features/user", 2, "di", "data"), ("raw/events", 3, "cy", "data")]
    assert rec["timeline"] == [] and rec["postmortem"] is None
    # the snapshot is what responders saw then: a later ownership change does not rewrite it
    manifest.ingest(org, parse.validate({"artifacts": [{"uid": "models/churn", "kind": "model", "owner": "bo",
                                                        "stewards": []}]}), actor="tester")
    again = incident_records.get(org, rec["id"])
    assert again["snapshot"] == snap
    assert incident.incident(org, "deploy/churn-api")["upstream"][0]["owner"]["id"] == "bo"
    events = [e for e in org.read("audit_events_for_targets", targets=[rec["id"]]) if e["action"] == "incident.open"]
    assert len(events) == 1 and events[0]["actor"].startswith("person:di token:t")


def test_timeline_entries_keep_order_author_and_time(org):
    rec = opened(org)
    incident_records.append(org, who("bo"), rec["id"], type="paged", text="paged ana and bo")
    incident_records.append(org, who("ana"), rec["id"], type="acknowledged", text="on it")
    got = incident_records.append(org, who("data-bot", team="data"), rec["id"], type="decision",
                                  text="roll back to churn@1")
    assert [(e["n"], e["type"], e["author"]) for e in got["timeline"]] == [
        (1, "paged", "bo"), (2, "acknowledged", "ana"), (3, "decision", "team:data")]
    assert all(e["at"].endswith("Z") for e in got["timeline"])
    before = head(org)
    with pytest.raises(ValidationFailed) as e:
        incident_records.append(org, who("bo"), rec["id"], type="shrug", text=" ")
    assert [p.path for p in e.value.problems] == ["type", "text"]
    with pytest.raises(NotFound):
        incident_records.append(org, who("bo"), "inc-nope", type="note", text="x")
    assert head(org) == before


def test_resolving_records_the_postmortem_and_attaches_it(org):
    rec = opened(org)
    incident_records.append(org, who("bo"), rec["id"], type="rollback", text="rolled back to 6")
    done = incident_records.resolve(org, who("bo"), rec["id"], postmortem="https://wiki.example.com/pm/42",
                                    summary="stale features")
    assert (done["status"], done["postmortem"], done["summary"], done["resolved_by"]) == (
        "resolved", "https://wiki.example.com/pm/42", "stale features", "bo")
    assert done["resolved_at"] is not None
    links = knowledge.of_artifact(org, "deploy/churn-api")
    assert [(k["kind"], k["title"], k["url"], k["incident"]) for k in links] == [
        ("postmortem", "Postmortem: churn-api 5xx", "https://wiki.example.com/pm/42", rec["id"])]
    before = head(org)
    for attempt in (lambda: incident_records.append(org, who("bo"), rec["id"], type="note", text="late"),
                    lambda: incident_records.resolve(org, who("bo"), rec["id"],
                                                     postmortem="https://wiki.example.com/pm/43")):
        with pytest.raises(ValidationFailed) as e:
            attempt()
        assert e.value.problems[0].path == "incident" and "already resolved" in e.value.problems[0].message
    with pytest.raises(ValidationFailed) as e:
        incident_records.resolve(org, who("bo"), opened(org)["id"], postmortem="javascript:alert(1)")
    assert e.value.problems[0].path == "postmortem"
    assert head(org) == before + 1      # only the second incident's opening


def test_records_are_listed_on_every_artifact_they_touched(org):
    first = opened(org)
    second = incident_records.open_incident(org, who("ana"), artifact="models/churn", version="2",
                                            title="auc dropped", severity="sev3")
    incident_records.resolve(org, who("ana"), second["id"], postmortem="https://wiki.example.com/pm/7")
    raw = incident_records.listing(org, artifact="raw/events")
    assert [(r["id"], r["role"]) for r in raw] == [(second["id"], "upstream"), (first["id"], "upstream")]
    churn = incident_records.listing(org, artifact="models/churn")
    assert {r["id"]: r["role"] for r in churn} == {first["id"]: "upstream", second["id"]: "failing"}
    assert [r["id"] for r in incident_records.listing(org, artifact="models/churn", status="open")] == [first["id"]]
    assert [r["id"] for r in incident_records.listing(org, status="resolved")] == [second["id"]]
    assert incident_records.listing(org, artifact="deploy/churn-api", status="resolved") == []
    assert [r["id"] for r in incident_records.open_of(org, "deploy/churn-api")] == [first["id"]]
    assert incident_records.open_of(org, "models/churn") == []


@pytest.mark.parametrize("principal, message", [
    (who("bo", "read"), "'write' scope"),
    (who("bo", "lineage"), "'write' scope"),
    (who("cy"), "not an active person"),              # cy has left
    (who("nobody"), "not an active person"),
    (Principal(), "'write' scope"),
])
def test_who_may_not_record(org, principal, message):
    before = head(org)
    with pytest.raises(PermissionDenied, match=message):
        incident_records.open_incident(org, principal, artifact="deploy/churn-api", version=None,
                                       title="x", severity="sev1")
    with pytest.raises(PermissionDenied, match=message):
        knowledge.add(org, principal, artifact="models/churn", kind="howto", title="x",
                      url="https://wiki.example.com/x")
    assert head(org) == before


def test_bad_input_names_the_field_and_writes_nothing(org):
    before = head(org)
    with pytest.raises(ValidationFailed) as e:
        incident_records.open_incident(org, who("bo"), artifact="deploy/churn-api", version=None, title=" ",
                                       severity="sev9")
    assert [p.path for p in e.value.problems] == ["title", "severity"]
    with pytest.raises(NotFound):
        incident_records.open_incident(org, who("bo"), artifact="models/none", version=None, title="x",
                                       severity="sev1")
    with pytest.raises(ValidationFailed) as e:
        knowledge.add(org, who("bo"), artifact="models/churn", kind="blog", title="", url="ftp://x")
    assert [p.path for p in e.value.problems] == ["kind", "title", "url"]
    with pytest.raises(NotFound):
        knowledge.add(org, who("bo"), artifact="models/none", kind="howto", title="x", url="https://x.example.com")
    assert head(org) == before


def test_knowledge_links_are_attached_once_and_found_by_search(org):
    url = "https://wiki.example.com/howto/retrain-churn"
    k = knowledge.add(org, who("di"), artifact="models/churn", kind="howto", title="Retraining Churn", url=url)
    assert (k["artifact"], k["kind"], k["added_by"]) == ("models/churn", "howto", "di")
    seq = head(org)
    knowledge.add(org, who("bo"), artifact="models/churn", kind="howto", title="Retraining Churn", url=url)
    assert head(org) == seq                     # the same link again is a no-op, not logged
    knowledge.add(org, who("bo"), artifact="models/churn", kind="case_study", title="Retraining churn, 2026",
                  url=url)
    assert [(x["kind"], x["title"]) for x in knowledge.of_artifact(org, "models/churn")] == [
        ("case_study", "Retraining churn, 2026")]
    knowledge.add(org, who("bo"), artifact="raw/events", kind="howto", title="Backfilling events",
                  url="https://wiki.example.com/howto/backfill")
    assert [x["artifact"] for x in knowledge.search(org, "RETRAIN")] == ["models/churn"]
    assert {x["artifact"] for x in knowledge.search(org, "howto")} == {"models/churn", "raw/events"}
    assert [x["title"] for x in knowledge.search(org, "raw/ev")] == ["Backfilling events"]
    assert knowledge.search(org, "nothing like it") == []


def test_records_leave_the_audit_state_check_agreeing(org):
    """Records are audited (the chain covers them) but are not graph state: the state
    check neither reports their nodes nor their actions as unknown."""
    from graph_model.services import audit, audit_state
    manifest.ingest(org, parse.validate({"kind_playbooks": {"model": {"channel": "#models"}}}), actor="tester")
    rec = opened(org)
    incident_records.append(org, who("bo"), rec["id"], type="note", text="x")
    incident_records.resolve(org, who("bo"), rec["id"], postmortem="https://wiki.example.com/pm/1")
    knowledge.add(org, who("bo"), artifact="raw/events", kind="howto", title="t", url="https://wiki.example.com/t")
    assert audit_state.check_state(org) == []
    assert audit.verify(org) == head(org)            # every event, records included, in the chain
