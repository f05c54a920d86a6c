"""Coverage over time: each recorded check run, kept as an audit event.

Decision: store each check run rather than recompute past coverage from the audit
history. Recomputing would mean replaying the graph as it was at every past instant;
ownership edges carry since/until, but runs, reviews, links and escalation lists are
stored as they are now, so a replayed past would be wrong exactly where decay happened.
A stored run is what the check said then, under the policy it used.

Where it is stored: as a ``check.run`` event in the audit log, through the single write
path, with the run's summary (coverage overall, per rule, per kind and per team, counts,
the policy's source) as the event's details. The hash chain then makes the record of
compliance tamper-evident like any change, and no new node type is needed. A run is
recorded when asked (``ownergraph check --record``, for the nightly job or CI on the main
branch), never by a read: a GET never writes, and a check per CI push would flood the log.
Only unfiltered runs are recorded, so every point of the chart covers the whole catalogue.
"""

from __future__ import annotations

import json

from ..schema import from_epoch_ms
from ..store.base import GraphStore
from . import write_path
from .audit import Change

HISTORY_MAX = 365


def summary(answer: dict) -> dict:
    """What a run keeps of a check answer (no violation list: the log stays small)."""
    return {"at": answer["at"], "policy": answer["policy"], "artifacts": answer["artifacts"],
            "coverage": answer["coverage"], "counts": answer["counts"],
            "rules": {r["id"]: r["coverage"] for r in answer["rules"]},
            "by_kind": {r["kind"]: r["coverage"] for r in answer["by_kind"]},
            "by_team": {r["team"]: r["coverage"] for r in answer["by_team"]}}


def record(store: GraphStore, answer: dict, actor: str) -> int:
    """Record an unfiltered check answer; returns the audit event's sequence number.

    Raises:
        ValueError: the answer was filtered (by kind, team or namespace).
    """
    if any(answer["filters"].values()):
        raise ValueError("only a check of the whole catalogue is recorded (drop --kind, --team, --namespace)")
    kept = summary(answer)

    def planner(reader, at):
        return write_path.ChangePlan([], [Change("check.run", "policy", answer["policy"], kept)])

    done = write_path.apply(store, planner, actor=actor, reason="policy check")
    return done.last_seq


def history(store: GraphStore, limit: int = 90) -> list[dict]:
    """Recorded runs, oldest first: ``{seq, at, actor, coverage, errors, warnings, rules, ...}``."""
    rows = store.read("check_runs", limit=max(1, min(limit, HISTORY_MAX)))
    out = []
    for r in reversed(rows):
        d = json.loads(r["changes"] or "{}")
        # the instant the check judged (the event's own time is when it was recorded)
        out.append({"seq": r["seq"], "at": d.get("at") or from_epoch_ms(r["at"]), "actor": r["actor"],
                    "policy": d.get("policy"), "artifacts": d.get("artifacts"), "coverage": d.get("coverage"),
                    "errors": (d.get("counts") or {}).get("errors"),
                    "warnings": (d.get("counts") or {}).get("warnings"),
                    "rules": d.get("rules") or {}, "by_kind": d.get("by_kind") or {},
                    "by_team": d.get("by_team") or {}})
    return out
