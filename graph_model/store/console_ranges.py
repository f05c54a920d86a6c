"""Refuses a console query whose ``range()`` would build more values than the embedded
engine lets one query hold, before the query is sent.

Why here and not in the engine: FalkorDB builds the whole list of a ``range()`` call
inside one step, and neither its per-query memory bound (checked between steps) nor
its time limit can stop that step. ``UNWIND range(1, 2000000000) AS x RETURN x`` was
refused by its time limit after 2 s, then went on allocating in the engine until the
engine was killed (see ``embedded.memory_ceiling``, which now stops the engine alone).
A range whose bounds are written in the query (or passed as parameters) is checked
here, so the common case, a large literal range, is a 400 naming the call and never
reaches the engine. Bounds computed by the query cannot be known before it runs; they
are left to the engine's ceiling.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import Problem, ValidationFailed
from .embedded import QUERY_MEM_CAPACITY

#: values one range() may build: the engine's per-query capacity at 16 bytes a value
MAX_RANGE_VALUES = QUERY_MEM_CAPACITY // 16
_CALL = re.compile(r"(?<![\w.`$])`?range`?\s*\(", re.IGNORECASE)
_INT = re.compile(r"^[+-]?\s*(0x[0-9a-f]+|\d+)$", re.IGNORECASE)
_PARAM = re.compile(r"^\$`?(\w+)`?$")


def mask(text: str) -> str:
    """``text`` with the insides of strings and comments blanked (same length), so
    nothing written inside them is taken for a call, a comma or a bracket."""
    out, i, n = list(text), 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"":
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            for k in range(i + 1, min(j, n)):
                out[k] = " "
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out[i:j] = " " * (j - i)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out[i:j] = " " * (j - i)
            i = j
        else:
            i += 1
    return "".join(out)


def _arguments(masked: str, start: int) -> list[str] | None:
    """The top-level arguments of the call whose ``(`` is at ``start - 1``."""
    depth, begin, args = 0, start, []
    for i in range(start, len(masked)):
        ch = masked[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                args.append(masked[begin:i])
                return args
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(masked[begin:i])
            begin = i + 1
    return None   # unbalanced: the engine will say so


def _constant(arg: str, params: dict[str, Any]) -> int | None:
    arg = arg.strip()
    if _INT.match(arg):
        sign = -1 if arg.startswith("-") else 1
        digits = arg.lstrip("+-").strip()
        return sign * int(digits, 16 if digits.lower().startswith("0x") else 10)
    p = _PARAM.match(arg)
    if p and isinstance(params.get(p.group(1)), int) and not isinstance(params.get(p.group(1)), bool):
        return params[p.group(1)]
    return None


def range_size(start: int, end: int, step: int = 1) -> int:
    if step == 0:
        return 0   # the engine refuses a zero step itself
    if (step > 0 and end >= start) or (step < 0 and end <= start):
        return 1 + (end - start) // step
    return 0


def check(text: str, params: dict[str, Any] | None = None) -> None:
    """Raises ``ValidationFailed`` (path ``query``) for the first ``range()`` whose
    constant bounds make more than ``MAX_RANGE_VALUES`` values."""
    masked = mask(text)
    for m in _CALL.finditer(masked):
        args = _arguments(masked, m.end())
        if args is None or len(args) not in (2, 3):
            continue
        values = [_constant(a, params or {}) for a in args]
        if any(v is None for v in values):
            continue
        size = range_size(*values)
        if size > MAX_RANGE_VALUES:
            line = text.count("\n", 0, m.start()) + 1
            raise ValidationFailed([Problem("query", (
                f"range() on line {line} would build {size:,} values; this engine holds at most "
                f"{MAX_RANGE_VALUES:,} in one query and cannot stop a range() once it runs. "
                f"Use a smaller range"))])
