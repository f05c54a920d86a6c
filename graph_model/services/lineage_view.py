"""What OpenLineage told us about an artifact, for its page: original names, the facets
kept (sql, documentation, source code location, schema) and, for a pipeline, its runs.

Why its own module: the artifact card reads it from properties the OpenLineage planner
writes (``origin_*``, ``lineage`` as JSON); the card stays one call.
"""

from __future__ import annotations

import json
from typing import Any

from ..schema import from_epoch_ms
from ..store.base import GraphStore

RUNS_SHOWN = 20


def facts(row: dict) -> dict | None:
    """The lineage block of an artifact card, or None when OpenLineage never named it."""
    if not row.get("origin_namespace") and not row.get("lineage"):
        return None
    facets: dict[str, Any] = {}
    if row.get("lineage"):
        try:
            facets = json.loads(row["lineage"]).get("facets") or {}
        except ValueError:
            facets = {}

    def value(name: str) -> Any:
        f = facets.get(name)
        return f.get("value") if isinstance(f, dict) else None

    return {"namespace": row.get("origin_namespace"), "name": row.get("origin_name"),
            "sql": value("sql"), "documentation": value("documentation"),
            "source_code": value("sourceCodeLocation"), "schema": value("schema") or [],
            "updated": {k: from_epoch_ms(v.get("at")) for k, v in facets.items() if isinstance(v, dict)}}


def runs(store: GraphStore, uid: str, limit: int = RUNS_SHOWN) -> list[dict]:
    """A pipeline's runs, newest first."""
    return [{"id": r["id"], "status": r["status"], "started_at": from_epoch_ms(r["started_at"]),
             "ended_at": from_epoch_ms(r["ended_at"]), "error_message": r["error_message"],
             "parent": ({"run": r["parent"], "job": r["parent_job"]} if r.get("parent") else None)}
            for r in store.read("artifact_runs", uid=uid, limit=limit)]


def columns(text: str | None) -> list[dict]:
    """A version's schema (JSON text of columns) as a list; [] when none was recorded."""
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def diff_columns(a: list[dict], b: list[dict]) -> dict:
    """Columns of version a against version b: added (in a only), removed (in b only),
    changed (type or description differs), by column name."""
    ca = {c.get("name"): c for c in a}
    cb = {c.get("name"): c for c in b}
    return {"added": [ca[n] for n in sorted(ca.keys() - cb.keys())],
            "removed": [cb[n] for n in sorted(cb.keys() - ca.keys())],
            "changed": [{"name": n, "a": ca[n], "b": cb[n]} for n in sorted(ca.keys() & cb.keys()) if ca[n] != cb[n]],
            "unchanged": sum(1 for n in ca.keys() & cb.keys() if ca[n] == cb[n])}
