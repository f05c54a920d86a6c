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


def test_person_handle_and_artifact_source_rules():
    import pytest
    from pydantic import ValidationError

    from graph_model.schema import Artifact, Person
    assert Person(id="ana", name="Ana", handle="Ana-S").handle == "Ana-S"
    for bad in ("@ana", "ana-", "a b", "", "-ana", "ana/x"):
        with pytest.raises(ValidationError):
            Person(id="ana", name="Ana", handle=bad)
    ok = Artifact(uid="m/x", kind="model", source={"repo": "git@github.com:acme/ml.git", "path": "src/x/"})
    assert (ok.source.repo, ok.source.path) == ("git@github.com:acme/ml.git", "src/x/")
    for repo, path in [("javascript:alert(1)", "a"), ("https://h/r", "/abs"), ("https://h/r", "a/../b"),
                       ("https://h/r", "a//b"), ("https://h/r", "a\\b"), ("https://h/r", ""), ("https://h/r", "a\nb")]:
        with pytest.raises(ValidationError):
            Artifact(uid="m/x", kind="model", source={"repo": repo, "path": path})


def test_decode_all_reads_every_document_with_the_bounded_rules():
    import pytest

    from graph_model.errors import ValidationFailed
    from graph_model.ingest.decode import decode, decode_all
    assert decode_all("a: 1\n---\n---\nb: &x [1]\nc: *x\n") == [{"a": 1}, {"b": [1], "c": [1]}]
    with pytest.raises(ValidationFailed, match="unknown alias"):
        decode_all("a: &x 1\n---\nb: *x\n")            # anchors do not cross documents
    with pytest.raises(ValidationFailed, match="one YAML document"):
        decode("a: 1\n---\nb: 2\n")                    # a manifest is still one document
    with pytest.raises(ValidationFailed, match="tag"):
        decode_all("a: 1\n---\nb: !!python/object:os.system x\n")
