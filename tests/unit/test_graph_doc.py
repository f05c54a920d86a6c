"""The Graph model document is generated from the code and cannot drift from it: the
committed docs/graph-model.md equals what the code renders, and the renderer refuses a
write path that writes a name the document does not describe (or the reverse)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_model import graph_doc, graph_written
from graph_model.schema import Kind
from graph_model.services import console

DOC = Path(__file__).resolve().parents[2] / "docs" / "graph-model.md"


def test_committed_doc_is_what_the_code_renders():
    assert DOC.read_text(encoding="utf-8") == graph_doc.render(), (
        "docs/graph-model.md is out of date: run python -m graph_model.graph_doc > docs/graph-model.md")


def test_every_written_name_is_in_the_doc():
    text = DOC.read_text(encoding="utf-8")
    w = graph_written.scan()
    for label, keys in w.labels.items():
        assert f"### `{label}`" in text
        for k in keys:
            assert f"| `{k}` |" in text, f"{label}.{k}"
    for rtype in w.types:
        assert f"### `{rtype}`" in text
    assert all(f"`{k.value}`" in text for k in Kind)
    assert {"Artifact", "Version", "Person", "Team", "AuditEvent"} <= set(w.labels)
    assert w.ends["DERIVED_FROM"] == {("Version", "Version")}
    assert w.ends["OWNS"] == {("Person", "Artifact"), ("Team", "Artifact")}


def _written_plus(extra: str) -> graph_written.Written:
    w = graph_written.scan()
    graph_written.scan_text(extra, "extra", w)
    return w


@pytest.mark.parametrize("extra, problem", [
    ("MATCH (a:Artifact {uid: $uid}) SET a.secret_score = 1", "Artifact.secret_score is written but not described"),
    ("CREATE (:Shadow {id: $id})", "label Shadow is written but not described"),
    ("MATCH (a:Artifact), (b:Artifact) MERGE (a)-[:SHADOWS {since: 1}]->(b)",
     "relationship type SHADOWS is written but not described"),
    ("MATCH (p:Person)-[o:OWNS]->(a:Artifact) SET o.weight = 2", "OWNS.weight is written but not described"),
])
def test_a_new_name_in_the_write_path_fails_until_described(extra, problem):
    with pytest.raises(graph_doc.ModelDrift) as e:
        graph_doc.model(_written_plus(extra))
    assert problem in str(e.value)


def test_a_described_name_nothing_writes_fails(monkeypatch):
    monkeypatch.setitem(graph_doc.LABELS, "Ghost", ("never written", {}))
    with pytest.raises(graph_doc.ModelDrift, match="label Ghost is described but nothing writes it"):
        graph_doc.model()


def test_reads_add_nothing_and_unbound_set_is_an_error():
    w = graph_written.Written()
    graph_written.scan_text("MATCH (a:Artifact) RETURN a.uid", "read", w)
    assert w.labels == {} and w.types == {}
    with pytest.raises(ValueError, match="not bound"):
        graph_written.scan_text("MATCH (a) SET x.y = 1", "bad", graph_written.Written())


def test_ten_worked_queries_are_in_the_doc():
    text = DOC.read_text(encoding="utf-8")
    examples = console.examples()
    assert len(examples) == 10
    for i, e in enumerate(examples, 1):
        assert f"### {i}. {e.title}" in text and e.query in text
