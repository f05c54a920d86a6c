"""The console's range() check reads calls the way the engine does: any case, backticks,
comments before the bracket, parameters; never inside strings or comments."""

from __future__ import annotations

import pytest

from graph_model.errors import ValidationFailed
from graph_model.store.console_ranges import MAX_RANGE_VALUES, check, mask, range_size

BIG = MAX_RANGE_VALUES + 1


@pytest.mark.parametrize("text, params", [
    (f"UNWIND range(1, {BIG}) AS x RETURN x", {}),
    (f"RETURN RANGE (1, {BIG})", {}),
    (f"RETURN `range`/* note */(0, {BIG - 1})", {}),
    ("RETURN range(0, 0x7fffffff) AS r", {}),
    ("RETURN range(1, $n)", {"n": BIG}),
    ("RETURN range(1, $`n`, 1)", {"n": BIG}),
    (f"RETURN range({BIG}, 1, -1)", {}),
    (f"MATCH (a) WHERE a.x IN [1, 2]\nRETURN size(range(1, {BIG})) AS n", {}),
])
def test_a_range_larger_than_the_engine_holds_is_refused_with_its_line(text, params):
    with pytest.raises(ValidationFailed) as refused:
        check(text, params)
    problem = refused.value.problems[0]
    assert problem.path == "query"
    line = text[:text.lower().find("range")].count("\n") + 1
    assert f"range() on line {line} would build" in problem.message


@pytest.mark.parametrize("text, params", [
    ("UNWIND range(1, 20000000) AS x RETURN x", {}),          # within the engine's bound
    (f"RETURN 'range(1, {BIG})' AS s", {}),                   # inside a string
    (f"// range(1, {BIG})\nRETURN 1", {}),                    # inside a comment
    (f"RETURN x.range(1, {BIG})", {}),                        # not the function
    (f"WITH {BIG} AS n RETURN range(1, n)", {}),              # computed: left to the engine's ceiling
    ("RETURN range(1, $n)", {"n": "9999999999"}),             # a text parameter: the engine refuses it
    (f"RETURN range(1, {BIG}, 0)", {}),                       # a zero step: the engine refuses it
    (f"RETURN range({BIG}, 1)", {}),                          # empty
])
def test_ranges_that_fit_or_cannot_be_known_are_left_to_the_engine(text, params):
    check(text, params)


def test_masking_keeps_positions_and_blanks_strings_and_comments():
    text = "RETURN 'a,(b' AS s /* ( */ , \"x\\\"y\" // )\n"
    masked = mask(text)
    assert len(masked) == len(text)
    assert "(" not in masked and ")" not in masked and "b" not in masked


def test_range_size_counts_both_directions():
    assert range_size(1, 10) == 10 and range_size(10, 1, -3) == 4
    assert range_size(5, 1) == 0 and range_size(1, 5, -1) == 0


