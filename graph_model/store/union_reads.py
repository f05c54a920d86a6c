"""Joins independent named reads into ONE query (``UNION ALL``), for a planner's reads.

Why: a lineage unit of one event made seven reads, each a round trip; under load the
writer then waited for the engine and, after each answer, for the interpreter lock
(the request threads hold it), so a unit took 11 ms served against 7 ms alone
(measured). One query is one wait, runs on one engine thread, and reads one snapshot:
on FalkorDB a query holds the graph's read lock from start to end, so the audit head
read in the same query (``write_path``) is consistent with every other part, which
separate reads never were.

How: part ``i``'s final ``RETURN a AS x, b AS y`` becomes ``WITH a AS x, b AS y
RETURN $part AS part, {x: x, y: y} AS row`` (a ``WITH`` keeps grouping, ``DISTINCT``,
``ORDER BY`` and ``LIMIT`` as they were), its parameters (``$part`` too, given ``i``)
are renamed ``$r<i>_<name>``, and the parts are joined by ``UNION ALL``, which keeps
every row. Every projection of a query used here must name its column (``... AS x``,
or be a bare variable, which names itself); ``ValueError`` otherwise.

What goes into the text: the ``cypher/`` file's own text and the column names it
declares (identifiers matched by ``[A-Za-z_][A-Za-z0-9_]*``), nothing else; the part's
index and every value are parameters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable

from .compose import rename_params
_RETURN = re.compile(r"\bRETURN\b", re.IGNORECASE)
_TAIL = re.compile(r"\b(ORDER\s+BY|SKIP|LIMIT)\b", re.IGNORECASE)
_ALIAS = re.compile(r"\bAS\s+([A-Za-z_][A-Za-z0-9_]*)\s*$", re.IGNORECASE)
_BARE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)$")   # a variable is its own column name
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def _blank_strings(text: str) -> str:
    """``text`` with string literals' contents replaced by spaces (same offsets), so
    keywords and commas inside them are not taken for syntax."""
    return _STRING.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1], text)


def _top_level_commas(text: str) -> list[int]:
    depth, out = 0, []
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(i)
    return out


#: the parameter that carries a part's index (renamed per part like the query's own)
PART = "part"


@lru_cache(maxsize=512)
def as_part(text: str) -> str:
    """``text`` (one read query of ``cypher/``) rewritten to answer ``part`` (from
    ``$part``) and ``row`` columns. Only the query's own text and its column names go
    into it."""
    plain = _blank_strings(text)
    returns = list(_RETURN.finditer(plain))
    if not returns:
        raise ValueError("a read joined with others must end in RETURN")
    at = returns[-1]
    body, body_plain = text[at.end():], plain[at.end():]
    tail = _TAIL.search(body_plain)
    items_plain = body_plain[:tail.start()] if tail else body_plain
    distinct = re.match(r"\s*DISTINCT\b", items_plain, re.IGNORECASE)
    start = distinct.end() if distinct else 0
    cuts = [start - 1, *[c for c in _top_level_commas(items_plain) if c >= start], len(items_plain)]
    aliases = []
    for a, b in zip(cuts, cuts[1:]):
        item = items_plain[a + 1:b].strip()
        m = _ALIAS.search(item) or _BARE.match(item)
        if not m:
            raise ValueError(f"every column of a joined read needs a name (`... AS x`): "
                             f"{body[a + 1:b].strip()!r}")
        aliases.append(m.group(1))
    row = "{" + ", ".join(a + ": " + a for a in aliases) + "}"
    return text[:at.start()] + "WITH" + body + "\nRETURN $" + PART + " AS part, " + row + " AS row"


def compose_reads(calls: list[tuple[str, dict[str, Any]]],
                  text_of: Callable[[str], str]) -> tuple[str, dict[str, Any]]:
    """One query answering every ``(name, params)`` of ``calls``; rows carry ``part``
    (the call's index) and ``row`` (its columns as a map): ``split`` undoes it."""
    parts, params = [], {}
    for i, (name, given) in enumerate(calls):
        if PART in given:
            raise ValueError(f"{name!r} cannot be joined: it has a parameter named ${PART}")
        part, renamed = rename_params(as_part(text_of(name)), {**given, PART: i}, f"r{i}_", name)
        parts.append(part)
        params.update(renamed)
    return "\nUNION ALL\n".join(parts), params


def split(rows: list[dict], count: int) -> list[list[dict]]:
    """The union's rows back as each call's own rows, in order."""
    out: list[list[dict]] = [[] for _ in range(count)]
    for r in rows:
        out[int(r["part"])].append(r["row"])
    return out
