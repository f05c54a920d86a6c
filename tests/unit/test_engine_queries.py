"""An engine's own form of a query (``cypher/<engine>/``) stands in for a portable one:
it must name one, answer the same columns, and be what that engine's store runs."""

from __future__ import annotations

import re

from graph_model.store import queries, union_reads


def _columns(text: str) -> list[str]:
    part = union_reads.as_part(text)
    row = re.search(r"AS part, \{(.*)\} AS row$", part, re.S).group(1)
    return [c.split(":")[0].strip() for c in row.split(",")]


def test_each_engine_form_replaces_a_portable_query_with_the_same_columns():
    found = 0
    for engine in queries.ENGINES:
        for path in sorted((queries.CYPHER_DIR / engine).glob("*.cypher")):
            found += 1
            portable = queries.get(path.stem)
            own = queries.get(path.stem, engine)
            assert own != portable, path.name
            assert _columns(own) == _columns(portable), path.name
    assert found >= 1


def test_an_engine_without_its_own_form_gets_the_portable_text():
    assert queries.get("audit_head", "neo4j") == queries.get("audit_head")
    assert "USING INDEX" in queries.get("ol_version_before", "neo4j")
    assert "USING INDEX" not in queries.get("ol_version_before")


def test_each_store_runs_its_engines_form():
    from graph_model.store.falkordb_store import FalkorDBStore
    from graph_model.store.neo4j_store import Neo4jStore
    assert Neo4jStore._q(None, "ol_version_before") == queries.get("ol_version_before", "neo4j")
    assert FalkorDBStore._q(None, "ol_version_before") == queries.get("ol_version_before")
