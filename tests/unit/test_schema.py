"""Id rules and manifest parsing that need no store."""

from __future__ import annotations

import pytest

from graph_model.errors import ValidationFailed
from graph_model.ingest.parse import format_loc, load_text
from graph_model.schema import split_version_uid, uid_problem
from graph_model.services.audit import Change, chain_events, event_hash


@pytest.mark.parametrize("uid, ok", [
    ("models/fraud-detector", True), ("food_delivery/public.orders", True), ("a/b/c", True),
    ("evil/<img src=x onerror=alert(1)>", True), ("nonamespace", False), ("/x", False),
    ("a/", False), ("a/b@1", False), ("a/ b", False), ("bad ns/x", False), ("a/b\nc", False),
])
def test_uid_rules(uid, ok):
    assert (uid_problem(uid) is None) == ok


def test_version_uid_splits_at_the_last_at():
    assert split_version_uid("models/m@2026-11-20") == ("models/m", "2026-11-20")


def test_format_loc():
    assert format_loc(("artifacts", 3, "versions", 0, "derived_from", 1, "uid")) == \
        "artifacts[3].versions[0].derived_from[1].uid"


def test_yaml_dates_and_numbers_become_version_text():
    m = load_text("artifacts: [{uid: a/b, kind: dataset, versions: [{version: 2026-11-20}, {version: 1.5}]}]")
    assert [v.version for v in m.artifacts[0].versions] == ["2026-11-20", "1.5"]


def test_all_type_problems_reported_together():
    with pytest.raises(ValidationFailed) as info:
        load_text("people: [{id: Bad Id, name: x}]\nartifacts: [{uid: a/b, kind: nope, stewards: 3}]")
    paths = {p.path for p in info.value.problems}
    assert {"people[0].id", "artifacts[0].kind", "artifacts[0].stewards"} <= paths


def test_hash_chain_links_and_changes_with_content():
    events = chain_events({"seq": 0, "hash": ""}, [Change("a.create", "artifact", "a/b", {"x": 1}),
                                                   Change("a.update", "artifact", "a/b", {"x": [1, 2]})],
                          "me", "why", 1000)
    assert [e["seq"] for e in events] == [1, 2] and events[1]["prev_hash"] == events[0]["hash"]
    assert event_hash(events[0]) == events[0]["hash"]
    assert event_hash(dict(events[0], reason="other")) != events[0]["hash"]
