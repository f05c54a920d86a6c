"""Hand-made fast paths of the write path give exactly what the general code gives.

Each replaced a library call that cost a measurable share of a bulk load's Python time;
what they produce is stored or hashed (the audit chain), so equal output is the contract.
"""

from __future__ import annotations

import json

import networkx as nx
from falkordb.helpers import quote_string
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_model.ingest.checks import _acyclic
from graph_model.schema import canonical_json
from graph_model.services.audit import HASHED_FIELDS, _canonical_fields
from graph_model.store.falkordb_store import _quote, params_header

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_json)
def test_canonical_json_is_json_dumps_with_sorted_keys(value):
    assert canonical_json(value) == json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_field_value = st.none() | st.integers() | st.text() | st.booleans() | st.floats(allow_nan=False) \
    | st.lists(st.integers(), max_size=2)


@settings(max_examples=500, deadline=None)
@given(st.fixed_dictionaries({k: _field_value for k in HASHED_FIELDS},
                             optional={"hash": st.text(), "extra": st.integers()}),
       st.sets(st.sampled_from(HASHED_FIELDS)))
def test_an_audit_events_hashed_text_is_its_canonical_json(event, left_out):
    """Text (any code point, quotes, control characters), whole numbers and nulls take
    the field-by-field form; anything else the general encoder; a missing field is null."""
    for key in left_out:
        event.pop(key)
    expected = canonical_json({k: event.get(k) for k in HASHED_FIELDS})
    assert _canonical_fields(event) == expected


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_quote_is_the_client_librarys_quoting(text):
    assert _quote(text) == quote_string(text)


def test_map_keys_are_still_checked_after_being_remembered():
    assert params_header({"rows": [{"k": "x"}, {"k": 'y"'}]}) == 'CYPHER rows=[{`k`:"x"},{`k`:"y\\""}] '
    for bad in ({"a`b": 1}, {1: 1}, {"": 1}):
        try:
            params_header({"rows": [bad]})
        except ValueError as e:
            assert "bad map key" in str(e)
        else:
            raise AssertionError(f"{bad!r} was rendered")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=40))
def test_acyclic_agrees_with_the_graph_library(pairs):
    edges: dict[str, set[str]] = {}
    for a, b in pairs:
        edges.setdefault(str(a), set()).add(str(b))
    g = nx.DiGraph([(str(a), str(b)) for a, b in pairs])
    assert _acyclic(edges) == nx.is_directed_acyclic_graph(g)
