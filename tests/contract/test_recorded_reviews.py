"""Recorded reviews on both backends: recorded through the write path with their audit
event, listed newest first, refused whole (nothing written) for bad input or no rights."""

from __future__ import annotations

import pytest

from graph_model.errors import NotFound, PermissionDenied, ValidationFailed
from graph_model.ingest import manifest, parse
from graph_model.services import access, recorded_reviews
from tests.manifests import small


def _who(person=None, team=None, scopes=("write",)):
    return access.Principal(person=person, team=team, scopes=frozenset(scopes), via="token", token="t")


@pytest.fixture
def org(store):
    manifest.ingest(store, parse.validate(small()), actor="test")
    return store


def _events(store, uid):
    return [e for e in store.read("audit_events_for_targets", targets=[uid]) if e["action"] == "review.record"]


def test_recorded_and_listed_newest_first_with_audit(org):
    first = recorded_reviews.record(org, _who("ana"), artifact="models/churn", version="2", kind="drift",
                                    outcome="pass", link="https://reviews.example.com/d1", notes="PSI < 0.1",
                                    at=1_700_000_000_000)
    second = recorded_reviews.record(org, _who("bo"), artifact="models/churn", kind="bias", outcome="fail",
                                     at=1_700_000_100_000)
    assert first["by"] == "ana" and first["version"] == "2" and first["kind"] == "drift"
    listed = recorded_reviews.of_artifact(org, "models/churn")
    assert [(r["id"], r["kind"], r["outcome"], r["by"]) for r in listed] == [
        (second["id"], "bias", "fail", "bo"), (first["id"], "drift", "pass", "ana")]
    assert listed[1]["at"] == "2023-11-14T22:13:20Z" and listed[1]["notes"] == "PSI < 0.1"
    events = _events(org, "models/churn")
    assert [e["actor"].split(" ")[0] for e in events] == ["person:ana", "person:bo"]
    latest = recorded_reviews.latest_all(org)
    assert latest == {("models/churn", "drift"): ("pass", 1_700_000_000_000),
                      ("models/churn", "bias"): ("fail", 1_700_000_100_000)}


def test_latest_all_takes_the_newest_of_each_kind(org):
    for at, outcome in ((1_000, "fail"), (3_000, "pass"), (2_000, "waived")):
        recorded_reviews.record(org, _who("ana"), artifact="models/churn", kind="drift", outcome=outcome, at=at)
    assert recorded_reviews.latest_all(org) == {("models/churn", "drift"): ("pass", 3_000)}


def test_team_member_and_team_token_may_record_others_may_not(org):
    # di is in team data, accountable for raw/events (owned by the inactive cy)
    assert recorded_reviews.record(org, _who("di"), artifact="raw/events", kind="data_quality", outcome="pass")
    assert recorded_reviews.record(org, _who(team="data"), artifact="raw/events", kind="drift",
                                   outcome="waived")["by"] == "team:data"
    with pytest.raises(PermissionDenied):
        recorded_reviews.record(org, _who("di"), artifact="models/churn", kind="drift", outcome="pass")
    with pytest.raises(PermissionDenied):     # the owner, but a read-only credential
        recorded_reviews.record(org, _who("ana", scopes=("read",)), artifact="models/churn", kind="drift",
                                outcome="pass")
    with pytest.raises(PermissionDenied):     # inactive people have no rights
        recorded_reviews.record(org, _who("cy"), artifact="raw/events", kind="drift", outcome="pass")
    assert len(_events(org, "raw/events")) == 2 and _events(org, "models/churn") == []


def test_bad_input_names_every_problem_and_writes_nothing(org):
    with pytest.raises(ValidationFailed) as e:
        recorded_reviews.record(org, _who("ana"), artifact="models/churn", kind="vibes", outcome="ok",
                                link="javascript:alert(1)", notes="x" * 5000)
    assert [p.path for p in e.value.problems] == ["kind", "outcome", "link", "notes"]
    with pytest.raises(NotFound, match="unknown version '9' of models/churn"):
        recorded_reviews.record(org, _who("ana"), artifact="models/churn", version="9", kind="drift",
                                outcome="pass")
    with pytest.raises(NotFound):
        recorded_reviews.record(org, _who("ana"), artifact="models/none", kind="drift", outcome="pass")
    with pytest.raises(NotFound):
        recorded_reviews.of_artifact(org, "models/none")
    assert recorded_reviews.of_artifact(org, "models/churn") == [] and _events(org, "models/churn") == []
