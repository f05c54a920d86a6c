"""Declared ownership on both engines: a source's declaration fills empty slots, never
overwrites what a person set, may move only what it filled itself, and differences
show on the card and in hotspots (the mechanism importers share)."""

from __future__ import annotations

import pytest

from graph_model.errors import ValidationFailed
from graph_model.ingest import manifest, parse
from graph_model.services import artifacts, history, hotspots
from graph_model.services.declared import Declared, declare

PEOPLE = [{"id": "ana", "name": "Ana", "email": "ana@corp.example"}, {"id": "bo", "name": "Bo"},
          {"id": "cy", "name": "Cy"}]
TEAMS = [{"id": "platform", "name": "Platform"}, {"id": "ml", "name": "Machine Learning"}]


def setup(store, artifacts_):
    manifest.ingest(store, parse.validate({"people": PEOPLE, "teams": TEAMS, "artifacts": artifacts_}),
                    actor="tester")


def card(store, uid):
    c = artifacts.show(store, uid)
    return ((c["owner"] or {}).get("id"), [s["id"] for s in c["stewards"]], (c["team"] or {}).get("id"))


def test_fills_an_artifact_without_owner(store):
    setup(store, [{"uid": "svc/api", "kind": "other"}])
    summary = declare(store, {("svc/api", "codeowners"): [Declared("primary", "ana@corp.example"),
                                                          Declared("steward", "bo"),
                                                          Declared("team", "Machine Learning", "team")]},
                      actor="import:codeowners")
    assert card(store, "svc/api") == ("ana", ["bo"], "ml")
    assert summary.counts == {"declaration.set": 1, "ownership.open": 2, "team_ownership.open": 1}
    declared = artifacts.show(store, "svc/api")["declared"]
    assert all(d["agrees"] for d in declared) and len(declared) == 3
    assert hotspots.hotspots(store)["declared_differences"] == []
    opened = [e for e in history.history(store, "svc/api")["audit"] if e["action"] == "ownership.open"]
    assert {(e["actor"], e["changes"]["source"]) for e in opened} == {("import:codeowners", "codeowners")}
    # the same declaration again changes nothing
    assert not declare(store, {("svc/api", "codeowners"): [Declared("primary", "ana@corp.example"),
                                                           Declared("steward", "bo"),
                                                           Declared("team", "Machine Learning", "team")]}).changed


def test_never_overwrites_a_person_and_shows_the_difference(store):
    setup(store, [{"uid": "svc/api", "kind": "other", "owner": "cy", "team": "platform"}])
    declare(store, {("svc/api", "codeowners"): [Declared("primary", "ana"), Declared("team", "ml", "team")]})
    assert card(store, "svc/api") == ("cy", [], "platform")
    texts = [d["text"] for d in artifacts.show(store, "svc/api")["declared"]]
    assert texts == ["declared by codeowners: primary ana (set: cy)", "declared by codeowners: team ml (set: platform)"]
    diffs = hotspots.hotspots(store)["declared_differences"]
    assert [(d["uid"], d["role"], d["holder"], d["set"]) for d in diffs] == \
        [("svc/api", "primary", "ana", ["cy"]), ("svc/api", "team", "ml", ["platform"])]
    assert [d["uid"] for d in hotspots.hotspots(store, team="ml")["declared_differences"]] == []


def test_a_source_moves_what_it_filled_but_not_what_a_person_set_later(store):
    setup(store, [{"uid": "svc/api", "kind": "other"}])
    declare(store, {("svc/api", "codeowners"): [Declared("primary", "ana")]})
    declare(store, {("svc/api", "codeowners"): [Declared("primary", "bo")]})
    assert card(store, "svc/api")[0] == "bo"
    # another source cannot move it
    declare(store, {("svc/api", "backstage"): [Declared("primary", "cy")]})
    assert card(store, "svc/api")[0] == "bo"
    # a person sets the owner: the source's next view is only a difference
    manifest.ingest(store, parse.validate({"artifacts": [{"uid": "svc/api", "kind": "other", "owner": "cy"}]}),
                    actor="tester")
    declare(store, {("svc/api", "codeowners"): [Declared("primary", "ana")]})
    assert card(store, "svc/api")[0] == "cy"
    by_source = {d["source"]: d["agrees"] for d in artifacts.show(store, "svc/api")["declared"]}
    assert by_source == {"backstage": True, "codeowners": False}


def test_stewards_a_source_filled_are_closed_when_it_stops_declaring_them(store):
    setup(store, [{"uid": "svc/api", "kind": "other"}, {"uid": "svc/web", "kind": "other", "stewards": ["cy"]}])
    declare(store, {("svc/api", "codeowners"): [Declared("primary", "ana"), Declared("steward", "bo"),
                                                Declared("steward", "cy")]})
    assert card(store, "svc/api") == ("ana", ["bo", "cy"], None)
    declare(store, {("svc/api", "codeowners"): [Declared("primary", "ana"), Declared("steward", "cy")]})
    assert card(store, "svc/api") == ("ana", ["cy"], None)
    summary = declare(store, {("svc/api", "codeowners"): [Declared("primary", "ana")]})
    assert card(store, "svc/api") == ("ana", [], None) and summary.counts["ownership.close"] == 1
    closed = [e for e in history.history(store, "svc/api")["audit"] if e["action"] == "ownership.close"]
    assert sorted(e["changes"]["person"] for e in closed) == ["bo", "cy"]
    # a steward a person set is never closed by a source
    declare(store, {("svc/web", "codeowners"): [Declared("primary", "ana")]})
    assert card(store, "svc/web") == ("ana", ["cy"], None)


def test_unknown_holders_are_kept_as_differences(store):
    setup(store, [{"uid": "svc/api", "kind": "other"}])
    declare(store, {("svc/api", "codeowners"): [Declared("primary", "@ghost"), Declared("team", "nope", "team")]})
    assert card(store, "svc/api") == (None, [], None)
    texts = [d["text"] for d in artifacts.show(store, "svc/api")["declared"]]
    assert texts == ["declared by codeowners: primary @ghost (unknown person '@ghost')",
                     "declared by codeowners: team nope (unknown team 'nope')"]


def test_unknown_artifact_and_bad_declarations_write_nothing(store):
    setup(store, [{"uid": "svc/api", "kind": "other"}])
    head = store.read("audit_head")[0]["seq"]
    with pytest.raises(ValidationFailed) as e:
        declare(store, {("svc/none", "codeowners"): [Declared("primary", "ana")]})
    assert [p.path for p in e.value.problems] == ["svc/none"]
    with pytest.raises(ValidationFailed):
        declare(store, {("svc/api", "codeowners"): [Declared("team", "ana", "person")]})
    assert store.read("audit_head")[0]["seq"] == head
