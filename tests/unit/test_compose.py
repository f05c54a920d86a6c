"""Joining a unit's statements into one query (the FalkorDB write unit)."""

from __future__ import annotations

import pytest

from graph_model.store.base import Statement
from graph_model.store.compose import compose
from graph_model.store.falkordb_store import UnsendableValue, query_bytes

TEXTS = {"a": "UNWIND $rows AS r MERGE (:A {id: r.id})", "b": "MERGE (h:H {id: 'x'}) SET h.seq = $seq",
         "bad": "MATCH (n) RETURN n"}


def test_parts_are_joined_with_a_barrier_and_params_renamed_per_part():
    text, params = compose([Statement("a", {"rows": [1]}), Statement("a", {"rows": [2]}),
                            Statement("b", {"seq": 3})], TEXTS.__getitem__)
    assert "$s0_rows" in text and "$s1_rows" in text and "$s2_seq" in text and "$rows" not in text
    assert text.count("WITH count(*) AS _s") == 3 and text.rstrip().endswith("RETURN count(*) AS parts")
    assert params == {"s0_rows": [1], "s1_rows": [2], "s2_seq": 3}


def test_a_statement_that_returns_rows_or_misses_a_parameter_is_refused():
    with pytest.raises(ValueError, match="returns rows"):
        compose([Statement("bad")], TEXTS.__getitem__)
    with pytest.raises(ValueError, match=r"uses \$seq"):
        compose([Statement("b", {})], TEXTS.__getitem__)


@pytest.mark.parametrize("value, path", [
    ({"rows": [{"id": "ok"}, {"id": "P\x00Two"}]}, "rows[1].id"),
    ({"rows": [{"tags": ["a", "\ud800"]}]}, "rows[0].tags[1]"),
])
def test_values_query_text_cannot_carry_are_refused_with_their_path(value, path):
    with pytest.raises(UnsendableValue) as info:
        query_bytes(value, "RETURN 1")
    assert info.value.path == path


def test_control_characters_other_than_nul_pass():
    assert query_bytes({"s": "a\x01\n\t\x7f\u2028b"}, "RETURN $s").startswith(b"CYPHER s=")
