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

        part, renamed = rename_params(text, st.params, f"s{i}_", st.name)
        parts.append(part)
        params.update(renamed)
    joined = "\n".join(f"{part}\nWITH count(*) AS _s{i}" for i, part in enumerate(parts))
    return joined + "\nRETURN count(*) AS parts", params


def rename_params(text: str, given: dict[str, Any], prefix: str, name: str) -> tuple[str, dict[str, Any]]:
    """``text`` with each ``$p`` renamed ``$<prefix>p``, and ``given`` renamed alike, so
    that parts joined into one query cannot collide (``compose``, ``union_reads``).

    Raises:
        ValueError: the text uses a parameter it was not given (a programming error).
    """
    def rename(m: re.Match) -> str:
        if m.group(1) not in given:
            raise ValueError(f"{name!r} uses ${m.group(1)} but was not given it")
        return f"${prefix}{m.group(1)}"

    return _PARAM.sub(rename, text), {f"{prefix}{k}": v for k, v in given.items()}


def origin(path: str, names: list[str], letter: str) -> str:
    """A renamed parameter's path as its own part names it: with ``letter`` "r",
    ``r2_uids[0]`` -> ``<names[2]>: uids[0]``; a path of no part comes back as it is."""
    part, _, rest = path.partition("_")
    i = int(part[1:]) if part[:1] == letter and part[1:].isdigit() else -1
    return f"{names[i]}: {rest}" if 0 <= i < len(names) else path
