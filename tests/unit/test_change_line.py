"""The one-line "what changed" and the data-refresh rule, on compare answers built by
the compare service's pure ``diff``."""

from __future__ import annotations

from graph_model.services import change_line
from graph_model.services.compare import diff


def version(uid: str, previous: str | None = None, commit: dict | None = None, schema=(), **maps) -> dict:
    return {"uid": uid, "artifact": uid.split("@")[0], "version": uid.split("@")[1], "seq": 1,
            "created_at": None, "previous": previous, "commit": commit, "run": None,
            "hyperparameters": maps.get("hyperparameters", {}), "metrics": maps.get("metrics", {}),
            "deployment": maps.get("deployment", {}), "schema": [{"name": c, "type": "int"} for c in schema]}


def test_parameters_are_named_with_old_and_new_values_and_cut_after_three():
    a = version("m/x@2", "m/x@1", hyperparameters={"a": 2, "b": 2, "c": 2, "d": 2, "new": "on"})
    b = version("m/x@1", hyperparameters={"a": 1, "b": 1, "c": 1, "d": 1, "gone": True})
    d = diff(a, b, set(), set())
    assert change_line.line(d) == "a 1 -> 2, b 1 -> 2, c 1 -> 2 and 3 more"
    assert not change_line.is_refresh(d)


def test_commit_message_first_line_cut_and_schema_counts():
    long = "x" * 80 + "\nsecond line"
    a = version("t/x@2", "t/x@1", commit={"sha": "b" * 40, "author": "hal", "message": long},
                schema=("id", "tip", "fee"))
    b = version("t/x@1", commit={"sha": "a" * 40, "author": "fay", "message": "old"}, schema=("id", "city"))
    assert change_line.line(diff(a, b, set(), set())) == \
        f'schema: +2 columns, -1; commit: "{"x" * 57}..." by hal'


def test_inputs_added_dropped_and_newer_versions():
    a = version("f/x@2", "f/x@1")
    b = version("f/x@1")
    up_a = {("raw/a@2", "input"), ("raw/new@1", "input")}
    up_b = {("raw/a@1", "input"), ("raw/old@1", "input")}
    d = diff(a, b, up_a, up_b)
    assert change_line.line(d) == "new input raw/new@1; dropped input raw/old; new upstream version raw/a@2"
    assert not change_line.is_refresh(d)


def test_only_new_data_is_a_refresh_and_no_commit_recorded_is_no_code_change():
    a = version("w/x@2", "w/x@1", metrics={"rows": 12})
    b = version("w/x@1", commit={"sha": "a" * 40, "author": "fay", "message": "m"}, metrics={"rows": 10})
    d = diff(a, b, {("raw/a@2", "input")}, {("raw/a@1", "input")})
    assert change_line.is_refresh(d)
    assert change_line.line(d) == "new upstream version raw/a@2"
    same = diff(version("w/x@3", "w/x@2", metrics={"rows": 13}), a, {("raw/a@2", "input")}, {("raw/a@2", "input")})
    assert change_line.is_refresh(same) and change_line.line(same) == "re-ran: rows 12 -> 13"
    assert change_line.line(None) == "first version" and not change_line.is_refresh(None)
