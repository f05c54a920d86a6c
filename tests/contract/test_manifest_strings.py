"""Every string a manifest can carry is stored and read back equal, or refused at
validation with its path and nothing written: on both engines.

Why through a real store: the embedded engine's query parser cuts a string at NUL, so
a NUL that reached it split a write unit. Free-form maps are stored as JSON text, in
which NUL and every other control character are escaped or harmless.
"""

from __future__ import annotations

import json

import pytest

from graph_model.errors import ValidationFailed
from graph_model.ingest import manifest, parse
from graph_model.services import artifacts, audit, history, provenance

from ..helpers import counts
from ..manifests import small

EVERY_CONTROL = "".join(chr(c) for c in range(0x20)) + "".join(chr(c) for c in range(0x7F, 0xA0))
ODD = EVERY_CONTROL + "\u202e\u2066\u200f\u061c\u2028\u2029\ufeff\uffff\U0001f600 ' \" \\ `"
FREE_TEXT = "line one\r\nline\ttwo\n\u202e\u05e9\u05dc\u05d5\u05dd \U0001f600 \u2028 <b>'\"\\"


def _ingest(store, data):
    return manifest.ingest(store, parse.read_text(json.dumps(data)), actor="tester")


def _state(store):
    return counts(store), store.read("audit_head")[0]


def test_control_characters_in_maps_round_trip(store):
    maps = {
        "hyperparameters": {"text": ODD, ODD: "key with every control", "nested": [{"nul": "\x00"}, "\x00\x01"]},
        "metrics": {"\x00": 1.5, "note": "a\x00b"},
        "deployment": {"env": "prod\x00staging", "list": ["\x1b[31m", "\x7f\x85\x9b"]},
    }
    data = {"artifacts": [{"uid": "models/m", "kind": "model",
                           "versions": [{"version": "1", **maps}]}]}
    _ingest(store, data)
    got = provenance.version(store, "models/m", "1")
    for name, value in maps.items():
        assert got[name] == value, name
    stored = store.read("versions_by_uids", uids=["models/m@1"])[0]
    assert "\\u0000" in stored["hyperparameters"] and "\x00" not in stored["hyperparameters"]
    assert _ingest(store, data).events == 0  # read back equal: a second ingest changes nothing
    assert audit.verify(store) == counts(store)["AuditEvent"]


def test_free_text_with_tab_newline_cr_and_bidi_round_trips(store):
    data = small()
    data["reason"] = FREE_TEXT
    data["people"][0]["name"] = FREE_TEXT
    data["artifacts"][2]["description"] = "  " + FREE_TEXT + "\n"  # no trimming either
    data["artifacts"][2]["tags"] = [FREE_TEXT]
    commit = data["artifacts"][2]["versions"][0]["commit"]
    commit["message"] = FREE_TEXT
    data["artifacts"][2]["versions"][0]["run"]["status"] = FREE_TEXT
    _ingest(store, data)
    card = artifacts.show(store, "models/churn")
    assert card["description"] == "  " + FREE_TEXT + "\n"
    assert card["tags"] == [FREE_TEXT] and card["owner"]["name"] == FREE_TEXT
    v1 = provenance.version(store, "models/churn", "1")
    assert v1["commit"]["message"] == FREE_TEXT and v1["run"]["status"] == FREE_TEXT
    events = history.history(store, "models/churn")["audit"]
    assert events and {e["reason"] for e in events} == {FREE_TEXT}
    assert history.history(store, "models/churn")["ownership"][0]["reason"] == FREE_TEXT
    assert _ingest(store, data).events == 0


@pytest.mark.parametrize("where, path", [
    ("person", "people[0].name"),
    ("description", "artifacts[2].description"),
    ("reason", "reason"),
    ("commit", "artifacts[2].versions[0].commit.message"),
    ("run", "artifacts[2].versions[0].run.status"),
    ("run_id", "artifacts[2].versions[0].run.id"),
    ("uid", "artifacts[4].uid"),
    ("tag", "artifacts[2].tags[0]"),
])
def test_nul_outside_maps_is_refused_with_its_path_and_writes_nothing(store, where, path):
    _ingest(store, small())
    before = _state(store)
    data = small()
    target = {
        "person": lambda: data["people"][0].__setitem__("name", "Ana\x00Silva"),
        "description": lambda: data["artifacts"][2].__setitem__("description", "x\x00y"),
        "reason": lambda: data.__setitem__("reason", "why\x00"),
        "commit": lambda: data["artifacts"][2]["versions"][0]["commit"].__setitem__("message", "m\x00"),
        "run": lambda: data["artifacts"][2]["versions"][0]["run"].__setitem__("status", "ok\x00"),
        "run_id": lambda: data["artifacts"][2]["versions"][0]["run"].__setitem__("id", "run\x001"),
        "uid": lambda: data["artifacts"].append({"uid": "x/a\x00b", "kind": "model", "owner": "ana"}),
        "tag": lambda: data["artifacts"][2].__setitem__("tags", ["t\x00"]),
    }
    target[where]()
    data["artifacts"][1]["description"] = "a valid change that must not land"
    with pytest.raises(ValidationFailed) as info:
        _ingest(store, data)
    assert any(p.path == path for p in info.value.problems), [str(p) for p in info.value.problems]
    assert _state(store) == before
    assert audit.verify(store) == before[0]["AuditEvent"]
    assert artifacts.show(store, "features/user")["description"] is None


def test_the_issue_7_nul_manifest_writes_nothing(store):
    text = ('{"people":[{"id":"p.two","name":"P\\u0000Two"}],'
            '"artifacts":[{"uid":"x/a","kind":"model","owner":"p.two"}]}')
    with pytest.raises(ValidationFailed) as info:
        manifest.ingest(store, parse.read_text(text), actor="tester")
    assert [p.path for p in info.value.problems] == ["people[0].name"]
    assert store.read("artifacts_by_uids", uids=["x/a"]) == []
    assert store.read("audit_head")[0].get("seq") in (None, 0)


def test_schema_and_reference_problems_in_one_answer(store):
    """Issue 8: a missing namespace and an unknown owner are reported together."""
    _ingest(store, small())
    before = _state(store)
    data = small()
    data["artifacts"].append({"uid": "no-namespace", "kind": "model", "owner": "ghost"})
    data["artifacts"].append({"uid": "x/y", "kind": "model", "owner": "nobody", "team": "no-team"})
    data["artifacts"].append({"uid": "x/z", "kind": "model", "owner": "ana",
                              "versions": [{"version": "1", "derived_from": [{"uid": "x/q@1"}]}]})
    data["people"].append({"id": "eve", "name": ""})  # fails its schema, but eve is declared
    data["artifacts"][0]["stewards"] = ["eve"]
    with pytest.raises(ValidationFailed) as info:
        _ingest(store, data)
    got = {str(p) for p in info.value.problems}
    assert any(p.startswith("artifacts[4].uid: uid 'no-namespace' has no namespace") for p in got), got
    assert "artifacts[4].owner: unknown person 'ghost'" in got
    assert "artifacts[5].owner: unknown person 'nobody'" in got
    assert "artifacts[5].team: unknown team 'no-team'" in got
    assert "artifacts[6].versions[0].derived_from[0]: unknown version 'x/q@1'" in got
    assert any(p.startswith("people[4].name") for p in got)
    assert not any("eve" in p and "unknown" in p for p in got), got
    assert _state(store) == before


def test_references_of_a_failing_item_are_checked_against_the_store(store):
    _ingest(store, small())
    data = {"artifacts": [{"uid": "models/churn", "kind": "rocket", "owner": "ana", "stewards": ["bo", "zed"],
                           "versions": [{"version": "9", "derived_from": [{"uid": "features/user@1"}]}]}]}
    with pytest.raises(ValidationFailed) as info:
        _ingest(store, data)
    assert sorted(str(p) for p in info.value.problems) == [
        "artifacts[0].kind: Input should be 'model', 'dataset', 'metric', 'evaluation', 'deployment', "
        "'feature_set', 'pipeline' or 'other'",
        "artifacts[0].stewards[1]: unknown person 'zed'"]


def test_empty_manifest_is_refused_before_the_store(store):
    before = _state(store)
    for text in ("", "  \n", "# nothing\n"):
        with pytest.raises(ValidationFailed, match="empty manifest"):
            manifest.ingest(store, parse.read_text(text), actor="tester")
    assert _state(store) == before
