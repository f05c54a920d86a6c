"""The store's own decoding of FalkorDB replies against the client library's, on real
replies of the embedded engine: the same rows for every kind of value a named query can
return, and graph entities left to the library."""

from __future__ import annotations

import uuid

import pytest
from falkordb.query_result import QueryResult
from redis.exceptions import ResponseError

from graph_model.store import falkordb_reply
from graph_model.store.falkordb_store import FalkorDBStore

VALUES = """
RETURN 'plain' AS s, 'h\u00e9 \u2603 \U0001F600 "q" \\\\ x' AS u, '' AS empty, 42 AS i, -9007199254740993 AS big,
       0.5 AS f, -1.0e300 AS tiny, true AS t, false AS no, null AS n, [] AS none,
       [1, 'two', null, [3.5, false], {k: 'v'}] AS l, {a: 1, b: {c: [1, 2], d: null}, e: 'x'} AS m
"""


@pytest.fixture
def store(falkordb_socket):
    s = FalkorDBStore(socket_path=falkordb_socket, graph=f"t_{uuid.uuid4().hex[:12]}")
    s.ensure_schema()
    yield s
    s.clear()
    s.close()


def _both(store, text: str):
    raw = store._conn.execute_command("GRAPH.QUERY", store.graph_name, text, "--compact")
    return falkordb_reply.rows(raw), store._rows(QueryResult(store._graph, raw))


def test_scalars_lists_and_maps_decode_as_the_library_does(store):
    ours, library = _both(store, VALUES)
    assert ours == library and len(ours) == 1
    row = ours[0]
    assert row["u"] == 'h\u00e9 \u2603 \U0001F600 "q" \\ x' and row["big"] == -9007199254740993
    assert row["t"] is True and row["no"] is False and row["n"] is None
    assert row["m"] == {"a": 1, "b": {"c": [1, 2], "d": None}, "e": "x"} and type(row["f"]) is float


def test_many_rows_and_no_rows(store):
    ours, library = _both(store, "UNWIND range(1, 300) AS x RETURN x, toString(x) AS s, [x, x * 0.5] AS l")
    assert ours == library and len(ours) == 300 and ours[-1] == {"x": 300, "s": "300", "l": [300, 150.0]}
    ours, library = _both(store, "UNWIND [] AS x RETURN x")
    assert ours == library == []
    ours, library = _both(store, "CREATE (:Probe {k: 1})")   # statistics only
    assert ours == library == []


def test_graph_entities_are_left_to_the_library(store):
    store._conn.execute_command("GRAPH.QUERY", store.graph_name, "CREATE (:P {k: 1})-[:R {w: 2}]->(:P {k: 2})")
    for text in ("MATCH (n:P) RETURN n.k AS k, n ORDER BY k", "MATCH ()-[r:R]->() RETURN [r] AS rs",
                 "MATCH p = (:P)-[:R]->(:P) RETURN {path: p} AS m"):
        raw = store._conn.execute_command("GRAPH.QUERY", store.graph_name, text, "--compact")
        assert falkordb_reply.rows(raw) is None
    # and the store's reads still answer them, through the library
    assert [r["n"]["properties"] for r in store._read_text("MATCH (n:P) RETURN n ORDER BY n.k", {})] == [
        {"k": 1}, {"k": 2}]


def test_an_engine_error_in_the_reply_is_raised(store):
    with pytest.raises(ResponseError):
        store._read_text("RETURN 1 / 0 AS x, toInteger('a') + [] AS y", {})
