"""Checks on the decoded document as a whole, whatever it came from (YAML, JSON, a dict).

One walk, without recursion, over every value: nesting depth, duplicate keys, mapping
keys that are not text, NaN and infinity, strings that cannot be UTF-8 (lone
surrogates). Each problem carries its path; the walk never descends past the depth
limit, so a hostile document costs no more than its size.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any, Iterable

from ..errors import Problem

# 64 levels: the deepest manifest field (a free-form map) starts at level 6
# (document, artifacts, artifact, versions, version, map), which leaves 58 levels to a
# map; real hyperparameter maps seen so far nest 2-4 deep. json's C scanner and the
# canonical JSON encoder both recurse, and 64 stays far below Python's limit (1,000).
MAX_DEPTH = 64

_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN = (str, int, float, type(None), date)  # bool is an int; dates come from Python callers


class Duplicated(dict):
    """A mapping in which some keys were given more than once (``twice``, in order);
    the value kept is the last one, but the walk reports each repetition."""

    def __init__(self, *args: Any, twice: Iterable = ()) -> None:
        super().__init__(*args)
        self.twice = list(twice)


def join_path(parts: Iterable) -> str:
    """('artifacts', 3, 'versions', 0, 'kind') -> 'artifacts[3].versions[0].kind'."""
    out = ""
    for part in parts:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _child(path: str, key: Any) -> str:
    """Path of a mapping's entry (an int key reads as a key, not as a list index)."""
    return f"{path}.{key}" if path else str(key)


def check_tree(data: Any, max_depth: int = MAX_DEPTH) -> list[Problem]:
    """Every problem of the document's shape, each with its path (empty when clean)."""
    problems: list[Problem] = []
    todo: list[tuple[Any, str, int]] = [(data, "", 1)]
    while todo:
        value, path, depth = todo.pop()
        if isinstance(value, dict):
            if depth > max_depth:
                problems.append(Problem(path, f"nested deeper than {max_depth} levels"))
                continue
            if isinstance(value, Duplicated):
                for key in value.twice:
                    problems.append(Problem(_child(path, key), "key given twice in one mapping"))
            children = []
            for key, item in value.items():
                if not isinstance(key, str):
                    problems.append(Problem(_child(path, key), f"mapping key {key!r} is not text "
                                                               f"(quote it)"))
                    continue
                if not key.isascii() and _SURROGATE.search(key):
                    problems.append(Problem(_child(path, key), "key is not valid Unicode "
                                                               "(lone surrogate)"))
                children.append((item, _child(path, key), depth + 1))
            todo.extend(reversed(children))  # popped in document order
        elif isinstance(value, list):
            if depth > max_depth:
                problems.append(Problem(path, f"nested deeper than {max_depth} levels"))
                continue
            todo.extend((value[i], f"{path}[{i}]", depth + 1) for i in range(len(value) - 1, -1, -1))
        elif isinstance(value, str):
            if not value.isascii() and _SURROGATE.search(value):
                problems.append(Problem(path, "text is not valid Unicode (lone surrogate)"))
        elif isinstance(value, float):
            if not math.isfinite(value):
                name = "NaN" if math.isnan(value) else ("-" if value < 0 else "") + "Infinity"
                problems.append(Problem(path, f"{name} is not a number a manifest may hold "
                                              f"(NaN and infinity are refused)"))
        elif not isinstance(value, _PLAIN):
            problems.append(Problem(path, f"a {type(value).__name__} is not manifest data"))
    return problems
