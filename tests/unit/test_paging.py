"""The page-list ordering rules, as pure logic."""

from __future__ import annotations

from graph_model.services.paging import build_page


def person(pid, active=True):
    return {"id": pid, "name": pid.upper(), "email": f"{pid}@example.com", "active": active}


PEOPLE = {p["id"]: p for p in [person("own"), person("stw"), person("up1"), person("up2"), person("auth"),
                               person("esc1"), person("esc2"), person("gone", active=False)]}


def art(uid, owner=None, stewards=(), team=None, distance=None, recent_change=None):
    return {"uid": uid, "owner": PEOPLE.get(owner) if owner else None,
            "stewards": [PEOPLE[s] for s in stewards], "team": team, "distance": distance,
            "recent_change": recent_change}


TEAM = {"id": "t", "name": "T", "escalation": ["esc1", "esc2", "own"]}


def test_order_failing_then_recent_then_others_then_teams():
    failing = art("deploy/x", "own", ["stw"], TEAM)
    upstream = [
        art("models/near", "up1", distance=1),
        art("data/far", "up2", distance=2,
            recent_change={"author": "auth", "commit": "abcdef1234567", "version": "data/far@2",
                           "ago": "1 day before"}),
    ]
    page, notes = build_page(failing, upstream, PEOPLE)
    assert [e["person"]["id"] for e in page] == ["own", "stw", "up2", "auth", "up1", "esc1", "esc2"]
    assert [e["order"] for e in page] == list(range(1, 8))
    own = page[0]
    assert own["reasons"] == ["primary owner of deploy/x", "escalation #3 of team T (accountable for deploy/x)"]
    assert page[2]["reasons"] == ["primary owner of data/far (distance 2), changed 1 day before"]
    assert notes == []


def test_inactive_people_are_never_paged_and_routing_is_noted():
    failing = art("deploy/x", "gone", [], TEAM)
    page, notes = build_page(failing, [art("data/y", "gone", ["gone"], None, distance=1)], PEOPLE)
    assert [e["person"]["id"] for e in page] == ["esc1", "esc2", "own"]
    assert "GONE (gone), primary owner of deploy/x, is inactive: routed to team escalation" in notes
    assert any("data/y" in n and "no one (no team)" in n for n in notes)
    assert any("steward of data/y, is inactive" in n for n in notes)


def test_nobody_to_page_says_so():
    page, notes = build_page(art("deploy/x"), [], PEOPLE)
    assert page == [] and notes[-1].startswith("no active owner")


def test_code_authors_after_recent_changes_before_other_upstream_owners():
    failing = art("models/x", "own")
    upstream = [art("data/near", "up1", distance=1),
                art("data/changed", "up2", distance=2,
                    recent_change={"author": None, "commit": None, "version": "data/changed@2",
                                   "ago": "2 days before"})]
    code = [{"uid": "models/x", "distance": 0, "sha": "1234567890abcdef", "author": "auth", "ago": "1 day before"},
            {"uid": "data/near", "distance": 1, "sha": "fedcba0987654321", "author": None, "ago": "1 day before"},
            {"uid": "data/near", "distance": 1, "sha": "aaaaaaaaaaaaaaaa", "author": "gone", "ago": "3 days before"},
            {"uid": "data/near", "distance": 1, "sha": "bbbbbbbbbbbbbbbb", "author": "own", "ago": "4 days before"}]
    page, _ = build_page(failing, upstream, PEOPLE, code)
    assert [e["person"]["id"] for e in page] == ["own", "up2", "auth", "up1"]
    assert page[2]["reasons"] == ["changed the code of models/x 1 day before (commit 1234567890)"]
    assert page[0]["reasons"][1] == "changed the code of data/near 4 days before (commit bbbbbbbbbb)"
