"""The helpers every answer and face share: person text, owner splitting, stored JSON."""

from __future__ import annotations

from graph_model.services import stored_json
from graph_model.services.person_view import person_view, split_owners, who

ANA = {"id": "ana", "name": "Ana Silva", "email": "ana@example.com", "active": True}
CY = {"id": "cy", "name": None, "email": None, "active": False}


def test_who_in_each_style():
    assert who(ANA, contact="email") == "Ana Silva <ana@example.com>"
    assert who(ANA, contact="id") == "Ana Silva <ana>"
    assert who(CY, contact="email") == "cy  [inactive]"
    assert who(CY, inactive=" (inactive)", none="none") == "cy (inactive)"
    assert who(None) == "(none)" and who(None, none="none") == "none"
    assert who(ANA | {"name": "A*"}, contact="email", brackets="()", inactive="",
               escape=lambda t: t.replace("*", "\\*")) == "A\\* (ana@example.com)"


def test_split_owners_skips_empty_rows_and_orders_stewards():
    rows = [{"id": None, "role": None}, {"id": "zed", "role": "steward"}, {"id": "bo", "role": "steward"},
            {"id": "ana", "role": "primary", "active": False}]
    primary, stewards = split_owners(rows)
    assert primary == person_view({"id": "ana", "active": False})
    assert [s["id"] for s in stewards] == ["bo", "zed"]
    assert split_owners([{"id": None}]) == (None, [])
    two = [{"id": "yu", "role": "primary"}, {"id": "al", "role": "primary"}]
    assert split_owners(two, view=lambda r: r["id"]) == ("al", [])


def test_stored_json():
    assert stored_json.load(None) == {} and stored_json.load("") == {}
    assert stored_json.load('{"a": [1]}') == {"a": [1]} and stored_json.load("[1]") == [1]
    assert stored_json.load("not json") == "not json"
    assert stored_json.load_map('{"a": 1}') == {"a": 1}
    assert stored_json.load_map("3") == {"value": 3}
    assert stored_json.load_map("{oops") == {stored_json.UNREADABLE: "{oops"}
    assert stored_json.load_map(None) == {}
