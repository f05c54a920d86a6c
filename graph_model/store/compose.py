"""Joins a write unit's statements into ONE Cypher query, for engines without
multi-statement transactions (FalkorDB).

Why one query: FalkorDB keeps an undo log per query, so a query that fails at any
clause (a runtime error, a unique-constraint violation) leaves nothing behind, while a
Redis ``MULTI`` block of several queries cannot undo the ones that already ran. One
query is also one command in the append-only file (whole or, after a crash, dropped
on load), and it keeps running on the server if the client dies, so a killed client
leaves the unit whole or absent.

How: every write statement in ``cypher/`` is ``UNWIND $rows ...`` (or a single
``MERGE``) with no ``RETURN``; the parts are joined with ``WITH count(*) AS _sN``. The
aggregation always yields one row (also after an ``UNWIND`` of an empty list or a
``MATCH`` that finds nothing) and is a barrier, so each part runs once and sees the
writes of the parts before it. Parameters are renamed per part (``$rows`` of part 3
becomes ``$s3_rows``) so parts cannot collide.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from .base import Statement

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_TAIL = re.compile(r"\bRETURN\b", re.IGNORECASE)


def compose(statements: list[Statement], text_of: Callable[[str], str]) -> tuple[str, dict[str, Any]]:
    """The single query text and its (renamed) parameters for ``statements``.

    Raises:
        ValueError: a statement returns rows (it cannot be joined) or names a
            parameter it was not given (a programming error).
    """
    parts: list[str] = []
    params: dict[str, Any] = {}
    for i, st in enumerate(statements):
        text = text_of(st.name)
        if _TAIL.search(text):
            raise ValueError(f"write statement {st.name!r} returns rows; it cannot be part of a unit")

        def rename(m: re.Match, i=i, st=st) -> str:
            name = m.group(1)
            if name not in st.params:
                raise ValueError(f"statement {st.name!r} uses ${name} but was not given it")
            return f"$s{i}_{name}"

        parts.append(_PARAM.sub(rename, text))
        for key, value in st.params.items():
            params[f"s{i}_{key}"] = value
    joined = "\n".join(f"{part}\nWITH count(*) AS _s{i}" for i, part in enumerate(parts))
    return joined + "\nRETURN count(*) AS parts", params
