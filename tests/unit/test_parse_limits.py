"""Parsing is bounded and strict: hostile documents end in a located ValidationFailed.

No timings are asserted (bench/parse_limits.py measures them); memory is asserted as a
bound on what the refusal allocates, which is what an alias bomb attacks.
"""

from __future__ import annotations

import json
import tracemalloc

import pytest

from graph_model.errors import ValidationFailed
from bench.parse_limits import alias_bomb
from graph_model.ingest import parse
from graph_model.ingest.decode import MAX_ALIAS_NODES
from graph_model.ingest.tree import MAX_DEPTH


def problems(text: str) -> list[str]:
    """Every problem of ``text`` as 'path: message', whether raised or kept in the draft."""
    try:
        draft = parse.read_text(text)
    except ValidationFailed as e:
        return [str(p) for p in e.problems]
    return [str(p) for p in draft.problems]


def only(text: str, *fragments: str) -> list[str]:
    found = problems(text)
    assert found, f"accepted: {text[:80]!r}"
    for fragment in fragments:
        assert any(fragment in p for p in found), (fragment, found)
    return found


def version_doc(version_body: str) -> str:
    return '{"artifacts": [{"uid": "a/b", "kind": "model", "versions": [' + version_body + ']}]}'


@pytest.mark.parametrize("levels", [8, 9])
def test_alias_bomb_is_refused_with_bounded_memory(levels):
    text = alias_bomb(levels)
    assert len(text) < 500  # the 318 / 353 bytes, written with less care
    tracemalloc.start()
    try:
        with pytest.raises(ValidationFailed) as info:
            parse.read_text(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [problem] = info.value.problems
    assert "aliases expand to more than 100,000 nodes" in problem.message
    assert problem.path.startswith("a")  # where the budget ran out
    assert peak < 20 * 1024 * 1024, peak


def test_aliases_within_the_budget_are_read_and_merge_keys_work():
    per_alias = 1000  # a list of 999 scalars: 1,000 nodes
    fits = MAX_ALIAS_NODES // per_alias
    anchor = "x-big: &big [" + ",".join(["1"] * (per_alias - 1)) + "]\n"
    ok = anchor + "x-uses: [" + ",".join(["*big"] * fits) + "]\n"
    assert parse.read_text(ok).problems == []
    over = anchor + "x-uses: [" + ",".join(["*big"] * (fits + 1)) + "]\n"
    only(over, "aliases expand to more than")
    m = parse.load_text("x-defaults: &d {lr: 0.1, depth: 4}\n"
                        "artifacts: [{uid: a/b, kind: model, versions: [\n"
                        "  {version: '1', hyperparameters: {<<: *d, depth: 6}},\n"
                        "  {version: '2', hyperparameters: *d}]}]\n")
    assert [v.hyperparameters for v in m.artifacts[0].versions] == [
        {"lr": 0.1, "depth": 6}, {"lr": 0.1, "depth": 4}]


def test_recursive_and_unknown_aliases_are_refused():
    only("artifacts: &x [*x]", "alias *x refers to a node that contains it")
    only("artifacts: [*nope]", "nope")


@pytest.mark.parametrize("text, path", [
    ("[" * 10_000 + "]" * 10_000, "[0][0][0]"),
    ('{"a": ' * 10_000 + "1" + "}" * 10_000, "a.a.a"),
    (version_doc('{"version": "1", "hyperparameters": ' + '{"k": ' * 900 + "1" + "}" * 900 + "}"),
     "artifacts[0].versions[0].hyperparameters.k.k"),
    ("[" * 10_000 + "]" * 10_000 + "\n# yaml, since JSON never has comments", "[0][0][0]"),
    ("artifacts:\n" + "".join("  " * i + "- \n" for i in range(1, 200)), "artifacts[0][0]"),
    ("artifacts: [{uid: a/b, kind: model, versions: [{version: '1', hyperparameters: "
     + "{k: " * 900 + "1" + "}" * 900 + "}]}]", "artifacts[0].versions[0].hyperparameters.k"),
])
def test_deep_nesting_is_refused_with_a_path(text, path):
    [problem] = only(text, f"nested deeper than {MAX_DEPTH} levels")
    assert problem.startswith(path), problem


def test_deep_python_data_is_refused_not_recursion_error():
    deep: dict = {"k": 1}
    for _ in range(900):
        deep = {"k": deep}
    data = {"artifacts": [{"uid": "a/b", "kind": "model",
                           "versions": [{"version": "1", "hyperparameters": deep}]}]}
    with pytest.raises(ValidationFailed) as info:
        parse.validate(data)
    assert info.value.problems[0].path.startswith("artifacts[0].versions[0].hyperparameters.k.k")


def test_depth_limit_is_exact():
    def doc(levels: int) -> str:  # levels: nesting of the whole document
        inner = levels - 5  # document, artifacts, artifact, versions, version
        return version_doc('{"version": "1", "hyperparameters": ' + '{"k": ' * inner + "1"
                           + "}" * inner + "}")
    assert parse.read_text(doc(MAX_DEPTH)).problems == []
    only(doc(MAX_DEPTH + 1), "nested deeper")


@pytest.mark.parametrize("text, path, name", [
    (version_doc('{"version": "1", "metrics": {"auc": NaN}}'), "artifacts[0].versions[0].metrics.auc", "NaN"),
    (version_doc('{"version": "1", "metrics": {"a": [1, Infinity]}}'), "artifacts[0].versions[0].metrics.a[1]",
     "Infinity"),
    (version_doc('{"version": "1", "deployment": {"x": -Infinity}}'), "artifacts[0].versions[0].deployment.x",
     "-Infinity"),
    (version_doc('{"version": "1", "metrics": {"big": 1e400}}'), "artifacts[0].versions[0].metrics.big",
     "Infinity"),
    ("artifacts: [{uid: a/b, kind: model, versions: [{version: '1', metrics: {auc: .nan}}]}]",
     "artifacts[0].versions[0].metrics.auc", "NaN"),
    ("artifacts: [{uid: a/b, kind: model, versions: [{version: '1', hyperparameters: {lr: -.inf}}]}]",
     "artifacts[0].versions[0].hyperparameters.lr", "-Infinity"),
    ("artifacts: [{uid: a/b, kind: model, versions: [{version: .NaN}]}]", "artifacts[0].versions[0].version",
     "NaN"),
])
def test_nan_and_infinity_are_refused_with_the_path(text, path, name):
    only(text, f"{path}: {name} is not a number")


@pytest.mark.parametrize("text, path", [
    ('{"people": [{"id": "ana", "name": "A", "name": "B"}]}', "people[0].name"),
    ('{"reason": "x", "reason": "y"}', "reason"),
    (version_doc('{"version": "1", "metrics": {"auc": 1, "auc": 2}}'), "artifacts[0].versions[0].metrics.auc"),
    ("people:\n- id: ana\n  name: A\n  name: B\n", "people[0].name"),
    ("artifacts: [{uid: a/b, kind: model, versions: [{version: '1', metrics: {auc: 1, 'auc': 2}}]}]",
     "artifacts[0].versions[0].metrics.auc"),
    ("people: []\npeople: []\n", "people"),
])
def test_duplicate_keys_are_refused_with_the_path(text, path):
    only(text, f"{path}: key given twice in one mapping")


@pytest.mark.parametrize("text", ["", "   \n\t \n", "# only\n# comments\n", "~\n", "null", "---\n"])
def test_empty_document_is_an_empty_manifest(text):
    [problem] = only(text, "empty manifest")
    assert problem


def test_empty_body_and_file(tmp_path):
    for read in (lambda: parse.read_bytes(b"", "body"), lambda: parse.read_bytes(b"\xef\xbb\xbf \n", "body")):
        with pytest.raises(ValidationFailed, match="empty manifest"):
            read()
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    with pytest.raises(ValidationFailed, match="empty manifest"):
        parse.read_file(empty)
    with pytest.raises(ValidationFailed, match="not UTF-8"):
        parse.read_bytes(b"people: [{id: a, name: \xff}]", "body")
    assert parse.read_bytes('\ufeffpeople: [{id: a, name: "Ä"}]'.encode(), "body").manifest.people[0].name == "Ä"


@pytest.mark.parametrize("text, fragment", [
    ("people: !!python/object/apply:os.system [ls]", "is not allowed"),
    ("people: !!set {a, b}", "is not allowed"),
    ("reason: !!binary aGVsbG8=", "is not allowed"),
    ("people: []\n---\nteams: []\n", "one YAML document"),
    ('{"x": ' + "9" * 5000 + "}", "number is too long"),
    ("artifacts: [{uid: a/b, kind: model, versions: [{version: '1', hyperparameters: {1: a}}]}]",
     "hyperparameters.1: mapping key 1 is not text"),
    ('{"people": [{"id": "ana", "name": "x\\ud800"}]}', "people[0].name: text is not valid Unicode"),
])
def test_other_hostile_documents(text, fragment):
    only(text, fragment)


def test_versions_keep_the_text_they_were_written_as():
    m = parse.load_text("artifacts: [{uid: a/b, kind: dataset, versions: [{version: 1.10}, {version: 1.1},"
                        " {version: 007}, {version: 1_000}, {version: 2026-11-20}]}]")
    assert [v.version for v in m.artifacts[0].versions] == ["1.10", "1.1", "007", "1_000", "2026-11-20"]


def test_timestamps_in_free_form_maps_become_text():
    m = parse.load_text("artifacts: [{uid: a/b, kind: model, versions: [{version: '1', "
                        "deployment: {since: 2026-11-21T10:00:00Z, day: 2026-11-21}}]}]")
    assert m.artifacts[0].versions[0].deployment == {"since": "2026-11-21T10:00:00+00:00", "day": "2026-11-21"}


# -- per-field string rules ---------------------------------------------------------------

def artifact(**fields) -> str:
    return json.dumps({"artifacts": [{"uid": "a/b", "kind": "model"} | fields]})


@pytest.mark.parametrize("doc, path", [
    (artifact(uid="a/x\u202ey"), "artifacts[0].uid"),
    (artifact(uid="a/x\u2066y"), "artifacts[0].uid"),
    (artifact(uid="a/x\u200fy"), "artifacts[0].uid"),
    (artifact(uid="a/x\u061cy"), "artifacts[0].uid"),
    (artifact(uid="a/x\x00y"), "artifacts[0].uid"),
    (artifact(uid="a/x\x85y"), "artifacts[0].uid"),
    (artifact(uid="a/x\u2028y"), "artifacts[0].uid"),
    (artifact(uid="a/./b"), "artifacts[0].uid"),
    (artifact(uid="a/x/../b"), "artifacts[0].uid"),
    (artifact(uid="a/.."), "artifacts[0].uid"),
    (artifact(versions=[{"version": "1", "run": {"id": "r\x00"}}]), "artifacts[0].versions[0].run.id"),
    (artifact(versions=[{"version": "1", "run": {"id": "r\u202e1"}}]), "artifacts[0].versions[0].run.id"),
    (artifact(versions=[{"version": "1\x00"}]), "artifacts[0].versions[0].version"),
    (artifact(versions=[{"version": "1", "derived_from": [{"uid": "a/c@1", "relation": "in\u202eput"}]}]),
     "artifacts[0].versions[0].derived_from[0].relation"),
    (artifact(versions=[{"version": "1", "derived_from": [{"uid": "a/./c@1"}]}]),
     "artifacts[0].versions[0].derived_from[0].uid"),
    (artifact(links={"run\u202ebook": "https://x.org"}), "artifacts[0].links"),
    (artifact(owner="an\x00a"), "artifacts[0].owner"),
    (artifact(stewards=["ok", "b\u202eo"]), "artifacts[0].stewards[1]"),
    (artifact(team="t\x00"), "artifacts[0].team"),
    (artifact(versions=[{"version": "1", "commit": {"sha": "abcdef1", "author": "x\x00"}}]),
     "artifacts[0].versions[0].commit.author"),
    (json.dumps({"people": [{"id": "ana", "name": "A", "email": "a\u202e@x.org"}]}), "people[0].email"),
    (json.dumps({"teams": [{"id": "t", "name": "T", "members": ["a\x00"]}]}), "teams[0].members[0]"),
])
def test_identifiers_refuse_controls_bidi_and_dot_segments(doc, path):
    only(doc, f"{path}")


@pytest.mark.parametrize("field, value", [
    ("description", "a\x00b"), ("description", "bell\x07"), ("description", "esc\x1b[31m"),
    ("description", "del\x7f"), ("description", "c1\x85"), ("description", "c1\x9b"),
])
def test_free_text_refuses_control_characters_but_tab_newline_cr(field, value):
    only(artifact(**{field: value}), f"artifacts[0].{field}: text contains U+")


@pytest.mark.parametrize("doc, path", [
    (json.dumps({"reason": "why\x00"}), "reason"),
    (json.dumps({"people": [{"id": "ana", "name": "A\x00na"}]}), "people[0].name"),
    (json.dumps({"teams": [{"id": "t", "name": "T\x01"}]}), "teams[0].name"),
    (artifact(tags=["t\x00"]), "artifacts[0].tags[0]"),
    (artifact(versions=[{"version": "1", "commit": {"sha": "abcdef1", "message": "m\x00"}}]),
     "artifacts[0].versions[0].commit.message"),
    (artifact(versions=[{"version": "1", "run": {"id": "r1", "status": "ok\x00"}}]),
     "artifacts[0].versions[0].run.status"),
])
def test_nul_refused_in_every_free_text_field(doc, path):
    only(doc, f"{path}: text contains U+")


def test_free_text_keeps_tab_newline_cr_bidi_and_maps_keep_anything():
    text = "line one\r\nline\ttwo\n\u202eRTL \u05e9\u05dc\u05d5\u05dd \U0001f600"
    m = parse.load_text(artifact(description=text, versions=[{"version": "1", "hyperparameters": {
        "nul\x00key": "v\x00\x01\x1b\x7f\x85\u202e\u2028", "nested": [{"\x00": "\x9b"}]}}]))
    a = m.artifacts[0]
    assert a.description == text
    assert a.versions[0].hyperparameters["nul\x00key"] == "v\x00\x01\x1b\x7f\x85\u202e\u2028"


@pytest.mark.parametrize("field, url, ok", [
    ("log_uri", "https://logs.example.com/run-1", True),
    ("log_uri", "http://logs.example.com/run-1", True),
    ("log_uri", "javascript:alert(1)", False),
    ("log_uri", "JAVASCRIPT://x", False),
    ("log_uri", "data:text/html,<script>alert(1)</script>", False),
    ("log_uri", "https://", False),
    ("log_uri", "s3://bucket/run-1.log", False),
    ("log_uri", "https://x.org/a b", False),
    ("log_uri", "https://x.org/\x00", False),
    ("repo", "git@github.com:ml/churn.git", True),
    ("repo", "https://github.com/ml/churn", True),
    ("repo", "ssh://git@github.com/ml/churn.git", True),
    ("repo", "git://example.com/ml/churn.git", True),
    ("repo", "git+ssh://example.com/ml/churn.git", True),
    ("repo", "file:///srv/git/churn.git", True),
    ("repo", "javascript:alert(1)", False),
    ("repo", "javascript:alert(1)//x@y:z", False),
    ("repo", "vbscript:msgbox", False),
    ("repo", "/srv/git/churn.git", False),
    ("repo", "git@github.com:ml/\u202echurn", False),
])
def test_url_rules(field, url, ok):
    body = {"id": "run-1", "log_uri": url} if field == "log_uri" else {"sha": "abcdef1", "repo": url}
    key = "run" if field == "log_uri" else "commit"
    found = problems(artifact(versions=[{"version": "1", key: body}]))
    if ok:
        assert found == []
    else:
        assert any(p.startswith(f"artifacts[0].versions[0].{key}.{field}: ") for p in found), found


def test_links_follow_the_same_scheme_rule():
    only(artifact(links={"runbook": "javascript:alert(1)"}), "artifacts[0].links.runbook: ")
    assert problems(artifact(links={"runbook": "https://runbooks.example.com/x"})) == []


def test_schema_problems_and_ids_declared_by_failing_items():
    draft = parse.read_text(json.dumps({"people": [{"id": "ana", "name": ""}, {"id": "ana", "name": "A"}],
                                        "artifacts": [{"uid": "nonamespace", "kind": "model", "owner": "ana"},
                                                      {"uid": "a/b", "kind": "model", "owner": "ana"}]}))
    paths = [p.path for p in draft.problems]
    assert "people[0].name" in paths and "artifacts[0].uid" in paths
    assert "people[1]" in paths  # duplicate id, counted even though people[0] failed its schema
    assert [a.uid for a in draft.manifest.artifacts] == ["a/b"] and draft.path("artifacts", 0) == "artifacts[1]"


def test_version_reference_is_checked_once():
    from graph_model.errors import BadParameter
    from graph_model.services.compare import parse_version_ref
    for bad in ("a/b", "a/./b@1", "nonamespace@1", "a/b@bad version"):
        with pytest.raises(BadParameter) as info:
            parse_version_ref("a", bad)
        [problem] = only(artifact(versions=[{"version": "1", "derived_from": [{"uid": bad}]}]),
                         "artifacts[0].versions[0].derived_from[0].uid")
        assert problem.endswith(str(info.value).removeprefix("a: ")), (problem, str(info.value))
