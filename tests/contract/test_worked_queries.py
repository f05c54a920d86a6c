"""The Graph model's ten worked queries (the console's saved examples) run on the demo
organisation as ``ownergraph demo`` loads it (size 300, seed 7), on both backends, each
with its own parameters, and each returns rows: a query that stops matching the demo
fails here, not in front of an analyst."""

from __future__ import annotations

import pytest

from graph_model.demo import load as demo_load
from graph_model.services import console, graph_schema

SIZE = 300   # the default of `ownergraph demo`


@pytest.fixture(scope="module")
def demo_store(module_store):
    demo_load.load(module_store, size=SIZE, seed=7)
    return module_store


def test_there_are_ten_worked_queries():
    assert len(console.examples()) == 10


@pytest.mark.parametrize("name", [e.name for e in console.examples()])
def test_worked_query_returns_rows_on_the_demo(demo_store, name):
    example = next(e for e in console.examples() if e.name == name)
    result = console.run(demo_store, example.query, example.params)
    assert result["rows"], f"{name} returned no rows on the demo"
    assert len(result["columns"]) == len(result["rows"][0])
    assert result["plan"] is None


def test_each_worked_query_can_be_explained(demo_store):
    for e in console.examples():
        plan = console.run(demo_store, "EXPLAIN " + e.query, e.params)["plan"]
        assert plan and all(isinstance(line, str) for line in plan), e.name


def test_schema_of_the_demo_names_what_the_worked_queries_use(demo_store):
    s = graph_schema.read(demo_store)
    assert s.labels["Artifact"] == SIZE
    assert {"Artifact", "Version", "Person", "Team", "Commit", "Run", "AuditEvent"} <= set(s.labels)
    assert {"OWNS", "MEMBER_OF", "VERSION_OF", "DERIVED_FROM", "BUILT_FROM", "AUTHORED_BY"} <= set(s.relationship_types)
    assert s.relationship_keys["DERIVED_FROM"]["relation"] == s.relationship_types["DERIVED_FROM"]
