"""Rows of a FalkorDB ``--compact`` reply, decoded straight into Python values.

Why: the client library's ``QueryResult`` decodes every cell through a per-type table of
functions and an ``int()`` of the type tag, and the store then walked the result once
more to turn it into plain values. For the planner reads of a lineage write unit (a few
thousand keys, maps and lists in every row) that was a fifth of the writer's time, on
the path every unit waits for. The store's named queries return scalars, lists and maps,
so this walks each cell once. A reply holding a graph entity (a node, relationship or
path: console queries) is left to the library (``None``), which resolves labels, types
and property names through the graph's catalogue.
"""

from __future__ import annotations

from typing import Any

from redis.exceptions import ResponseError

# the engine's value type tags (``ResultSetScalarTypes`` of the client library)
_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY, _MAP = 1, 2, 3, 4, 5, 6, 10


class _Entity(Exception):
    """A cell this module does not decode (a node, relationship, path, point ...)."""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _value(cell: list) -> Any:
    kind, value = cell[0], cell[1]
    if kind == _STRING:
        return value.decode() if isinstance(value, bytes) else value
    if kind == _INTEGER:
        return int(value)
    if kind == _NULL:
        return None
    if kind == _MAP:
        return {_text(value[i]): _value(value[i + 1]) for i in range(0, len(value), 2)}
    if kind == _ARRAY:
        return [_value(v) for v in value]
    if kind == _BOOLEAN:
        return _text(value) == "true"
    if kind == _DOUBLE:
        return float(value)
    raise _Entity


def rows(reply: list) -> list[dict] | None:
    """The reply's rows as dicts by column name; None when a cell is a graph entity
    (decode the reply with the library then). Raises the engine's error if the reply
    carries one, as the library does."""
    if isinstance(reply[0], ResponseError):
        raise reply[0]
    if isinstance(reply[-1], ResponseError):
        raise reply[-1]
    if len(reply) < 3 or not reply[0]:   # statistics only, or no columns
        return []
    names = [_text(h[1]) for h in reply[0]]
    try:
        return [dict(zip(names, [_value(c) for c in row])) for row in reply[1]]
    except _Entity:
        return None
