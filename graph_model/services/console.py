"""The analyst's read-only Cypher console: input checks, limits, and saved examples.

Read-only is enforced by the database (``GraphStore.query_readonly``: FalkorDB's
``GRAPH.RO_QUERY``; Neo4j's EXPLAIN query type plus a READ transaction), never by
parsing the text here. This module only checks the shape of the input, applies the
time limit and row cap, and reads the examples shipped in ``cypher/examples/``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import BadParameter, Problem, ValidationFailed
from ..store.base import GraphStore
from ..store.queries import CYPHER_DIR

DEFAULT_TIMEOUT_MS = 10_000
DEFAULT_ROW_CAP = 1_000
MAX_TIMEOUT_MS = 120_000
MAX_ROW_CAP = 100_000
MAX_QUERY_CHARS = 20_000
EXAMPLES_DIR = CYPHER_DIR / "examples"


@dataclass(frozen=True)
class Example:
    """A saved query: its file name, a title, what it answers, its text, default params."""

    name: str
    title: str
    description: str
    query: str
    params: dict

    def as_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description,
                "query": self.query, "params": self.params}


def parse_example(name: str, text: str) -> Example:
    """Header comments carry ``title:``, free description lines and ``params:`` (JSON)."""
    title, params, described, body = name.replace("_", " "), {}, [], []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("//") and not body:
            comment = stripped[2:].strip()
            if comment.lower().startswith("title:"):
                title = comment[6:].strip()
            elif comment.lower().startswith("params:"):
                params = json.loads(comment[7:].strip() or "{}")
            elif comment:
                described.append(comment)
        else:
            body.append(line)
    return Example(name, title, " ".join(described), "\n".join(body).strip(), params)


@lru_cache(maxsize=1)
def _load(directory: str) -> tuple[Example, ...]:
    path = Path(directory)
    if not path.is_dir():
        return ()
    return tuple(parse_example(f.stem, f.read_text(encoding="utf-8")) for f in sorted(path.glob("*.cypher")))


def examples() -> list[Example]:
    """The saved examples, sorted by file name."""
    return list(_load(str(EXAMPLES_DIR)))


def check_params(params: Any) -> dict:
    """Parameters must be a JSON object with string keys (values any JSON)."""
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ValidationFailed([Problem("params", "must be a JSON object, e.g. {\"uid\": \"models/x\"}")])
    return params


def parse_params_text(text: str | None) -> dict:
    """The console page's params box: JSON text, empty meaning no parameters."""
    if text is None or not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError as e:
        raise ValidationFailed([Problem("params", f"not valid JSON: {e}")]) from None
    return check_params(value)


def run(store: GraphStore, query: Any, params: Any = None, *, timeout_ms: int = DEFAULT_TIMEOUT_MS,
        row_cap: int = DEFAULT_ROW_CAP) -> dict:
    """Run an analyst's query read-only, within the time limit, keeping at most
    ``row_cap`` rows.

    Returns:
        dict with ``columns``, ``rows``, ``truncated`` (the cap was hit), ``row_cap``,
        ``timeout_ms`` and ``elapsed_ms``.

    Raises:
        ValidationFailed: empty or oversized query, bad params, or a query the engine
            rejects (syntax, time limit). PermissionDenied: the query would write.
    """
    if not isinstance(query, str) or not query.strip():
        raise ValidationFailed([Problem("query", "is required (a Cypher query as text)")])
    if len(query) > MAX_QUERY_CHARS:
        raise ValidationFailed([Problem("query", f"is longer than {MAX_QUERY_CHARS} characters")])
    params = check_params(params)
    if not 1 <= int(timeout_ms) <= MAX_TIMEOUT_MS:
        raise BadParameter("timeout_ms", f"must be from 1 to {MAX_TIMEOUT_MS}")
    if not 1 <= int(row_cap) <= MAX_ROW_CAP:
        raise BadParameter("row_cap", f"must be from 1 to {MAX_ROW_CAP}")
    started = time.perf_counter()
    result = store.query_readonly(query.strip().rstrip(";"), params, int(timeout_ms), int(row_cap))
    return {"columns": result.columns, "rows": result.rows, "truncated": result.truncated,
            "row_cap": int(row_cap), "timeout_ms": int(timeout_ms),
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 1)}
