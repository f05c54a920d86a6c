"""What the write path writes, read from its Cypher files: every node label, relationship
type (with the labels at its ends) and property a query under ``cypher/`` creates, merges
or sets.

Why read the files: every write the product makes is one of them (no query text is built
in Python), so this is the complete list, and the Graph model document built on it
(``graph_doc``) fails when a query writes a name the document does not describe.
The patterns read are the ones the files use: ``(v:Label {key: ...})``,
``(a)-[r:TYPE {key: ...}]->(b)`` and ``SET v.key = ...`` (also ``ON CREATE SET``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .store.queries import CYPHER_DIR

_COMMENT = re.compile(r"//[^\n]*")
_WRITES = re.compile(r"\b(CREATE|MERGE|SET)\b")
_NODE = re.compile(r"\(\s*(\w*)\s*:\s*(\w+)\s*(\{[^{}]*\})?\s*\)")
_REL = re.compile(r"\(\s*(\w*)\s*(?::\s*(\w+))?[^()]*\)\s*-\[\s*(\w*)\s*:\s*(\w+)\s*(\{[^{}]*\})?\s*\]->\s*"
                  r"\(\s*(\w*)\s*(?::\s*(\w+))?")
_MAP_KEY = re.compile(r"[{,]\s*(\w+)\s*:")
_SET = re.compile(r"\bSET\b(.*?)(?=\b(?:MERGE|MATCH|CREATE|WITH|RETURN|REMOVE|UNWIND|ON|WHERE|OPTIONAL)\b|$)", re.DOTALL)
_ASSIGN = re.compile(r"(\w+)\.(\w+)\s*=")


@dataclass
class Written:
    """Names the write path writes: ``labels`` {label: {property}}, ``types`` {type:
    {property}}, ``ends`` {type: {(from label, to label)}}, ``files`` {name: {file}}."""

    labels: dict[str, set[str]] = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=dict)
    ends: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    files: dict[str, set[str]] = field(default_factory=dict)


def scan_text(text: str, name: str, into: Written) -> None:
    """Add what one query writes to ``into`` (a query that only reads adds nothing)."""
    text = _COMMENT.sub("", text)
    if not _WRITES.search(text):
        return
    variables: dict[str, str] = {}
    for var, label, props in _NODE.findall(text):
        if var:
            variables[var] = label
        keys = into.labels.setdefault(label, set())
        keys.update(_MAP_KEY.findall(props or ""))
        into.files.setdefault(label, set()).add(name)
    for a, a_label, var, rtype, props, b, b_label in _REL.findall(text):
        into.types.setdefault(rtype, set()).update(_MAP_KEY.findall(props or ""))
        into.files.setdefault(rtype, set()).add(name)
        if var:
            variables[var] = ":" + rtype
        start, end = a_label or variables.get(a, "?"), b_label or variables.get(b, "?")
        into.ends.setdefault(rtype, set()).add((start, end))
    for clause in _SET.findall(text):
        for var, key in _ASSIGN.findall(clause):
            target = variables.get(var)
            if target is None:
                raise ValueError(f"{name}: SET {var}.{key}: the variable {var!r} is not bound to a label")
            if target.startswith(":"):
                into.types.setdefault(target[1:], set()).add(key)
            else:
                into.labels.setdefault(target, set()).add(key)


def scan(directory: Path = CYPHER_DIR) -> Written:
    """What every query file directly in ``directory`` writes (examples are read-only)."""
    out = Written()
    for path in sorted(directory.glob("*.cypher")):
        scan_text(path.read_text(encoding="utf-8"), path.stem, out)
    return out
