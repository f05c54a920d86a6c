"""The analyst's read-only Cypher console: input checks, limits, and saved examples.

Read-only is enforced by the database (``GraphStore.query_readonly``: FalkorDB's
``GRAPH.RO_QUERY``; Neo4j's EXPLAIN query type plus a READ transaction), never by
parsing the text here. This module checks the shape and size of the input, takes a
slot from the console gate (``console_gate``: bounded concurrency, 429 beyond it),
hands the engine only the time left of the limit (which counts from arrival, so time
spent waiting for a slot is included), and reads the examples in ``cypher/examples/``.
The row cap and the reply-size bound are applied by the stores while they fetch
(``store/console_read.py``), never by cutting a fetched list.
"""

from __future__ import annotations

import json
import logging
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import BadParameter, Busy, EngineStopped, Problem, ValidationFailed
from ..store.base import GraphStore
from ..store.queries import CYPHER_DIR
from .console_gate import ConsoleGate

DEFAULT_TIMEOUT_MS = 10_000
DEFAULT_ROW_CAP = 1_000
MAX_TIMEOUT_MS = 120_000
MAX_ROW_CAP = 100_000
MAX_QUERY_CHARS = 20_000
#: how long the console refuses queries after one ended with the store gone (``ConsoleGate.pause``)
PAUSE_AFTER_STOP_S = 60
log = logging.getLogger(__name__)
# Parameters are an analyst's few values, not a data set. Bounded so a hostile body
# cannot exhaust the recursion limit of the renderers (500-deep nesting answered 500)
# or turn into a huge query header; beyond these the request gets 400 with a path.
MAX_PARAMS_DEPTH = 16
MAX_PARAMS_VALUES = 10_000
MAX_PARAMS_TEXT = 1_000_000   # characters of strings and keys, all together
EXAMPLES_DIR = CYPHER_DIR / "examples"
# A leading EXPLAIN (after any comments) asks for the plan instead of rows.
_EXPLAIN = re.compile(r"^(?:\s+|//[^\n]*(?:\n|$)|/\*.*?\*/)*EXPLAIN\b", re.IGNORECASE | re.DOTALL)


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
    """Parameters must be a JSON object with string keys (values any JSON), nested at
    most ``MAX_PARAMS_DEPTH`` deep, with at most ``MAX_PARAMS_VALUES`` values and
    ``MAX_PARAMS_TEXT`` characters of text; a violation names the first place."""
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ValidationFailed([Problem("params", "must be a JSON object, e.g. {\"uid\": \"models/x\"}")])
    _check_bounds(params)
    return params


def _check_bounds(params: dict) -> None:
    """Walk without recursion (the point is to survive any depth) and stop at the first
    bound crossed."""
    values = text = 0
    stack: list[tuple[Any, str, int]] = [(params, "params", 1)]
    while stack:
        value, path, depth = stack.pop()
        values += 1
        if values > MAX_PARAMS_VALUES:
            raise ValidationFailed([Problem(path, f"params hold more than {MAX_PARAMS_VALUES} values")])
        if isinstance(value, str):
            text += len(value)
        elif isinstance(value, (dict, list)):
            if depth > MAX_PARAMS_DEPTH:
                raise ValidationFailed([Problem(path, f"nested deeper than {MAX_PARAMS_DEPTH} levels")])
            if isinstance(value, dict):
                for k, v in value.items():
                    if not isinstance(k, str):
                        raise ValidationFailed([Problem(path, f"map keys must be text, not {k!r}")])
                    text += len(k)
                    stack.append((v, f"{path}.{k}", depth + 1))
            else:
                stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value))
        if text > MAX_PARAMS_TEXT:
            raise ValidationFailed([Problem(path, f"params hold more than {MAX_PARAMS_TEXT} characters of text")])


def parse_params_text(text: str | None) -> dict:
    """The console page's params box: JSON text, empty meaning no parameters."""
    if text is None or not text.strip():
        return {}
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValidationFailed([Problem("params", f"nested deeper than {MAX_PARAMS_DEPTH} levels")]) from None
    except ValueError as e:
        raise ValidationFailed([Problem("params", f"not valid JSON: {e}")]) from None
    return check_params(value)


def run(store: GraphStore, query: Any, params: Any = None, *, timeout_ms: int = DEFAULT_TIMEOUT_MS,
        row_cap: int = DEFAULT_ROW_CAP, gate: ConsoleGate | None = None,
        arrived: float | None = None) -> dict:
    """Run an analyst's query read-only, within the time limit, keeping at most
    ``row_cap`` rows.

    Args:
        gate: the process's console gate; None runs ungated (scripts, tests of answers).
        arrived: ``time.monotonic()`` when the request arrived; the time limit counts
            from there (default: now).

    A query that starts with ``EXPLAIN`` is planned, never run: the answer holds the
    engine's plan as ``plan`` (indented lines) and as one-column rows. The engine still
    refuses to plan a write (PermissionDenied), so the console stays read-only.

    Returns:
        dict with ``columns``, ``rows``, ``truncated`` (the cap was hit), ``row_cap``,
        ``timeout_ms``, ``elapsed_ms`` (from arrival), ``queued_ms`` (waiting for a
        slot), ``engine_timeout_ms`` (what was left for the engine) and ``plan``
        (None unless EXPLAIN).

    Raises:
        ValidationFailed: empty or oversized query, bad params, or a query the engine
            rejects (syntax, time limit, too large an answer). PermissionDenied: the
            query would write. Busy: no console slot free (429).
    """
    arrived = time.monotonic() if arrived is None else arrived
    if not isinstance(query, str) or not query.strip():
        raise ValidationFailed([Problem("query", "is required (a Cypher query as text)")])
    if len(query) > MAX_QUERY_CHARS:
        raise ValidationFailed([Problem("query", f"is longer than {MAX_QUERY_CHARS} characters")])
    params = check_params(params)
    if not 1 <= int(timeout_ms) <= MAX_TIMEOUT_MS:
        raise BadParameter("timeout_ms", f"must be from 1 to {MAX_TIMEOUT_MS}")
    if not 1 <= int(row_cap) <= MAX_ROW_CAP:
        raise BadParameter("row_cap", f"must be from 1 to {MAX_ROW_CAP}")
    deadline = arrived + int(timeout_ms) / 1000.0
    with (gate.slot(deadline) if gate is not None else _no_gate()) as waited:
        left_ms = int((deadline - time.monotonic()) * 1000)
        if left_ms < 1:
            raise Busy("the console is busy: the time limit ran out while this query waited "
                       "for a slot; try again shortly", 1)
        text = query.strip().rstrip(";")
        explain = _EXPLAIN.match(text)
        plan = None
        if explain:
            inner = text[explain.end():].strip()
            if not inner:
                raise ValidationFailed([Problem("query", "EXPLAIN needs a query after it")])
            plan = store.explain_readonly(inner, params, left_ms)
            columns, rows, truncated = ["plan"], [[line] for line in plan[:int(row_cap)]], len(plan) > int(row_cap)
        else:
            try:
                result = store.query_readonly(text, params, left_ms, int(row_cap))
            except EngineStopped:
                paused = gate.pause(PAUSE_AFTER_STOP_S, "the engine stopped while a console query ran") if gate else 0
                log.warning("the graph store went away during a console query; console paused for %d s; "
                            "query: %.500s", paused, text)
                raise
            columns, rows, truncated = result.columns, result.rows, result.truncated
    return {"columns": columns, "rows": rows, "truncated": truncated,
            "row_cap": int(row_cap), "timeout_ms": int(timeout_ms),
            "elapsed_ms": round((time.monotonic() - arrived) * 1000, 1),
            "queued_ms": round(waited * 1000, 1), "engine_timeout_ms": left_ms, "plan": plan}


@contextmanager
def _no_gate():
    yield 0.0
