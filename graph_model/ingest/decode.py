"""Manifest text (YAML or JSON) to plain data, with bounded cost, or a located problem.

Why not ``yaml.safe_load`` / a bare ``json.loads``: a 318-byte YAML alias bomb (8 levels
of 9 aliases, 43 million nodes once expanded) cost 26 s and 1.9 GB before validation
refused it, and 10,000 ``[`` raised RecursionError (a 500 / a traceback). Here:

- YAML is read as a flat event stream (libyaml when present) and built with an explicit
  stack, so nesting never recurses; a document deeper than ``MAX_DEPTH`` is refused at
  the first event past the limit, with its path.
- An alias counts as a copy of what it names: aliases may add at most
  ``MAX_ALIAS_NODES`` nodes in all. The bomb is refused after a few hundred events
  (about 1 ms, no growth), ordinary reuse (``<<: *defaults``) still works.
- Only the core tags (null, bool, int, float, str, timestamp, merge) are read; any
  other tag is refused, so a document never constructs anything but plain data.
- JSON's nesting is measured on its brackets (outside strings) before decoding.
- Duplicate keys are kept as evidence (``Duplicated``) for ``tree.check_tree``, which
  reports them with their path, as it does NaN and infinity.
- YAML timestamps become ISO text; YAML numbers keep the text they were written as
  (``source``), so a version written ``1.10`` or ``007`` stays "1.10" or "007" (JSON
  numbers are read as numbers: a JSON writer that means text writes a string).
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

import yaml

from ..errors import Problem, ValidationFailed
from .tree import MAX_DEPTH, Duplicated, join_path

MAX_ALIAS_NODES = 100_000

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("null", "bool", "int", "float", "str", "timestamp")}
_MERGE = _TAG + "merge"
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_JSON_TOKEN = re.compile(r'("[^"\\]*(?:\\.[^"\\]*)*")(\s*:)?|[\[\]{},]')


class SourceInt(int):
    """An int that remembers how it was written (``007``, ``1_000``, ``1:20``)."""

    source: str


class SourceFloat(float):
    """A float that remembers how it was written (``1.10``)."""

    source: str


def _with_source(cls, value, text: str):
    out = cls(value)
    out.source = text
    return out


def _fail(path: str, message: str) -> ValidationFailed:
    return ValidationFailed([Problem(path, message)])


def decode(text: str, source: str = "manifest") -> Any:
    """Decode manifest text; JSON when it starts like JSON (its errors read better).

    Raises:
        ValidationFailed: empty document, malformed text, a limit exceeded, a tag not
        allowed; the problem names the path in the document (or the line and column).
    """
    stripped = text.lstrip()
    if not stripped:
        raise _fail(source, "empty manifest (no people, teams or artifacts)")
    if stripped.startswith(("{", "[")):
        data = _json(text, source)
    else:
        data = _yaml(text, source)
    if data is None:
        raise _fail(source, "empty manifest (no people, teams or artifacts)")
    return data


# -- JSON -------------------------------------------------------------------------------

def json_value(text: str, source: str = "body") -> Any:
    """Decode a JSON request body within the same limits as a manifest (depth, duplicate
    keys, number length), so no body can exhaust the parser's recursion."""
    return _json(text, source)


def _json(text: str, source: str) -> Any:
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if brackets and max(accumulate(map(_STEP.__getitem__, brackets))) > MAX_DEPTH:
        raise _fail(*_json_too_deep(text, source))
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=float)
    except json.JSONDecodeError as e:
        raise _fail(source, f"malformed JSON at line {e.lineno}, column {e.colno}: {e.msg}") from e
    except ValueError as e:  # an int of more than 4,300 digits
        raise _fail(source, f"malformed JSON: a number is too long ({str(e).split(';')[0]})") from e


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) == len(pairs):
        return out
    seen: set[str] = set()
    twice = [k for k, _ in pairs if k in seen or seen.add(k)]
    return Duplicated(out, twice=twice)


def _json_too_deep(text: str, source: str) -> tuple[str, str]:
    """Where the nesting first passes MAX_DEPTH: (path, message). Only run on refusal."""
    stack: list[list] = []  # [is_object, key or index]
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        if m.group(1):
            if m.group(2) and stack and stack[-1][0]:
                try:
                    stack[-1][1] = json.loads(m.group(1))
                except ValueError:
                    stack[-1][1] = m.group(1)
        elif tok in "[{":
            if len(stack) == MAX_DEPTH:
                line = text.count("\n", 0, m.start()) + 1
                col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
                path = join_path([part for _, part in stack]) or source
                return path, (f"nested deeper than {MAX_DEPTH} levels "
                              f"(line {line}, column {col})")
            stack.append([tok == "{", None if tok == "{" else 0])
        elif tok in "]}":
            if stack:
                stack.pop()
        elif tok == "," and stack and not stack[-1][0]:
            stack[-1][1] += 1
    return source, f"nested deeper than {MAX_DEPTH} levels"


# -- YAML -------------------------------------------------------------------------------

class _Frame:
    __slots__ = ("value", "is_map", "key", "has_key", "anchor", "size", "merges", "mark")

    def __init__(self, is_map: bool, anchor: str | None, mark) -> None:
        self.value: Any = {} if is_map else []
        self.is_map = is_map
        self.key: Any = None
        self.has_key = False
        self.anchor = anchor
        self.size = 1
        self.merges: list[dict] = []
        self.mark = mark


def _where(stack: list[_Frame]) -> str:
    parts: list = []
    for f in stack:
        if f.is_map:
            parts.append(f.key if f.has_key else None)
        else:
            parts.append(len(f.value))
    return join_path([p for p in parts if p is not None])


def decode_all(text: str, source: str = "document") -> list[Any]:
    """Every document of a YAML stream (``---`` separated; catalog files such as
    Backstage's ``catalog-info.yaml`` hold several), each read with the rules above;
    empty documents are dropped. JSON text is one document."""
    if text.lstrip().startswith(("{", "[")):
        return [_json(text, source)]
    return [d for d in _yaml(text, source, many=True) if d is not None]


def _yaml(text: str, source: str, many: bool = False) -> Any:
    loader = _Loader(text)
    try:
        return _build(loader, source, many)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise _fail(source, f"malformed YAML{where}: {e.problem or e}") from e
    except yaml.YAMLError as e:
        raise _fail(source, f"malformed YAML: {e}") from e
    finally:
        loader.dispose()


def _build(loader, source: str, many: bool = False) -> Any:
    stack: list[_Frame] = []
    roots: list[Any] = []
    anchors: dict[str, tuple[Any, int]] = {}
    open_anchors: set[str] = set()
    alias_nodes = 0
    root: Any = None
    documents = 0

    def here() -> str:
        return _where(stack) or source

    def add(value: Any, size: int) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        top = stack[-1]
        if not top.is_map:
            top.value.append(value)
        elif not top.has_key:
            if value is _MERGE_KEY:
                top.key = value
            elif isinstance(value, (dict, list)):
                raise _fail(here(), "a mapping key must be text, not a list or mapping")
            else:
                top.key = value
            top.has_key = True
            return
        elif top.key is _MERGE_KEY:
            merged = value if isinstance(value, list) else [value]
            if not all(isinstance(m, dict) for m in merged):
                raise _fail(here(), "'<<' merges a mapping or a list of mappings")
            top.merges.extend(merged)
            top.has_key = False
        else:
            if top.key in top.value:
                if not isinstance(top.value, Duplicated):
                    top.value = Duplicated(top.value)
                top.value.twice.append(top.key)
            top.value[top.key] = value
            top.has_key = False
        top.size += size

    while loader.check_event():
        ev = loader.get_event()
        kind = type(ev)
        if kind is yaml.ScalarEvent:
            value = _scalar(loader, ev, here)
            if ev.anchor:
                anchors[ev.anchor] = (value, 1)
            add(value, 1)
        elif kind is yaml.AliasEvent:
            if ev.anchor in open_anchors:
                raise _fail(here(), f"alias *{ev.anchor} refers to a node that contains it")
            if ev.anchor not in anchors:
                raise _fail(here(), f"unknown alias *{ev.anchor}")
            value, size = anchors[ev.anchor]
            alias_nodes += size
            if alias_nodes > MAX_ALIAS_NODES:
                raise _fail(here(), f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes "
                                    f"(each alias counts as a copy of what it names)")
            add(value, size)
        elif kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
            is_map = kind is yaml.MappingStartEvent
            if ev.tag not in (None, "!", _TAG + ("map" if is_map else "seq")):
                raise _fail(here(), f"tag {ev.tag} is not allowed")
            if len(stack) >= MAX_DEPTH:
                raise _fail(here(), f"nested deeper than {MAX_DEPTH} levels")
            if ev.anchor:
                open_anchors.add(ev.anchor)
            stack.append(_Frame(is_map, ev.anchor, ev.start_mark))
        elif kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
            frame = stack.pop()
            value = frame.value
            for merged in frame.merges:  # explicit keys win; earlier merges win
                for k, v in merged.items():
                    value.setdefault(k, v)
            if frame.anchor:
                open_anchors.discard(frame.anchor)
                anchors[frame.anchor] = (value, frame.size)
            add(value, frame.size)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1 and not many:
                raise _fail(source, "a manifest is one YAML document (found a second '---')")
            anchors.clear()  # anchors do not cross documents
        elif kind is yaml.DocumentEndEvent and many:
            roots.append(root)
            root = None
    return roots if many else root


class _MergeKey:
    """The ``<<`` key of a merge."""


_MERGE_KEY = _MergeKey()


def _scalar(loader, ev, here) -> Any:
    tag = ev.tag
    if tag is None or tag == "!":
        tag = loader.resolve(yaml.ScalarNode, ev.value, ev.implicit)
    if tag == _MERGE:
        return _MERGE_KEY
    if tag not in _SCALAR_TAGS:
        raise _fail(here(), f"tag {ev.tag} is not allowed")
    node = yaml.ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, ev.style)
    try:
        value = loader.yaml_constructors[tag](loader, node)
    except (ValueError, yaml.YAMLError) as e:
        raise _fail(here(), f"cannot read {ev.value[:40]!r} as {tag.removeprefix(_TAG)}: "
                            f"{str(e).split(';')[0]}") from e
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return _with_source(SourceInt, value, ev.value)
    if isinstance(value, float):
        return _with_source(SourceFloat, value, ev.value)
    return value.isoformat()  # date or datetime
