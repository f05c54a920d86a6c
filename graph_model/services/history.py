"""An artifact's history: its versions, who owned it when, and what the audit log says.

Why it is cheap: ownership edges are closed (``until``), never deleted, and every change
is an audit event, so the past is read, not reconstructed. "Who owned X at time T"
(``owners_as_of``) is a filter over the same ownership edges.
"""

from __future__ import annotations

from ..errors import NotFound
from ..schema import from_epoch_ms
from ..store.base import GraphStore
from . import stored_json


def _header(store: GraphStore, uid: str) -> dict:
    rows = store.read("artifact_header", uid=uid)
    if not rows:
        raise NotFound(f"unknown artifact {uid!r}")
    return rows[0]


def version_rows(rows: list[dict]) -> list[dict]:
    """Fold query rows (one per version and run) into one entry per version, in order.

    Shared with ``compare``, whose query returns the same columns.
    """
    out: dict[str, dict] = {}
    for r in rows:
        v = out.get(r["uid"])
        if v is None:
            v = out[r["uid"]] = {
                "uid": r["uid"], "version": r["version"], "seq": r["seq"],
                "created_at": from_epoch_ms(r["created_at"]),
                "previous": r["previous"],
                "commit": ({"sha": r["sha"], "author": r["author"], "time": from_epoch_ms(r["commit_time"]),
                            "message": r["message"], "repo": r["repo"]} if r["sha"] else None),
                "run": None,
                "runs": [],
            }
        if r["run"] and r["run"] not in {x["id"] for x in v["runs"]}:
            v["runs"].append({"id": r["run"], "status": r["run_status"],
                              "started_at": from_epoch_ms(r["run_started_at"]),
                              "ended_at": from_epoch_ms(r["run_ended_at"]), "log_uri": r["log_uri"]})
            v["run"] = v["runs"][0]
    return list(out.values())


def _ownership(rows: list[dict]) -> list[dict]:
    entries = [{
        "holder": r["holder"], "id": r["id"], "name": r["name"],
        "active": None if r["holder"] == "team" else r["active"] is not False,
        "role": r["role"], "since_ms": r["since"], "until_ms": r["until"],
        "since": from_epoch_ms(r["since"]), "until": from_epoch_ms(r["until"]),
        "reason": r["reason"], "end_reason": r["end_reason"], "current": r["until"] is None,
    } for r in rows]
    order = {"primary": 0, "steward": 1, "team": 2}
    entries.sort(key=lambda e: (e["since_ms"] if e["since_ms"] is not None else -1,
                                order.get(e["role"], 3), e["id"]))
    return entries


def _event(r: dict) -> dict:
    changes = stored_json.load(r["changes"])
    return {"seq": r["seq"], "at": from_epoch_ms(r["at"]), "actor": r["actor"], "action": r["action"],
            "target": r["target"], "target_kind": r["target_kind"], "reason": r["reason"],
            "changes": changes}


def history(store: GraphStore, uid: str) -> dict:
    """Versions in order, ownership changes over time and the audit events of ``uid``.

    Returns:
        ``{"uid", "kind", "versions": [{"uid", "version", "seq", "created_at", "previous",
        "commit": {"sha", "author", "time", "message", "repo"} | None, "run": {"id",
        "status", "started_at", "ended_at", "log_uri"} | None, "runs"}], "ownership":
        [{"holder": "person"|"team", "id", "name", "active", "role", "since", "until",
        "since_ms", "until_ms", "reason", "end_reason", "current"}], "audit": [{"seq",
        "at", "actor", "action", "target", "target_kind", "reason", "changes"}]}``;
        versions oldest first, ownership by ``since``, audit events by ``seq`` (events
        about the artifact and about any of its versions).

    Raises:
        NotFound: no artifact has this uid.
    """
    head = _header(store, uid)
    versions = version_rows(store.read("version_history", uid=uid))
    # by exact target (an index lookup each), not by prefix (a scan of the whole log)
    events = store.read("audit_events_for_targets", targets=[uid] + [v["uid"] for v in versions])
    return {
        "uid": head["uid"], "kind": head["kind"],
        "versions": versions,
        "ownership": _ownership(store.read("ownership_history", uid=uid)),
        "audit": [_event(r) for r in events],
    }


def owners_as_of(store: GraphStore, uid: str, at_ms: int) -> dict:
    """Who owned ``uid`` at ``at_ms``: edges with ``since <= at < until`` (or still open).

    Returns:
        ``{"uid", "at", "primary": {"id", "name", "active", "since", "until"} | None,
        "stewards": [same], "team": {"id", "name", "since", "until"} | None}``.

    Raises:
        NotFound: no artifact has this uid.
    """
    _header(store, uid)
    held = [e for e in _ownership(store.read("ownership_history", uid=uid))
            if (e["since_ms"] is None or e["since_ms"] <= at_ms)
            and (e["until_ms"] is None or e["until_ms"] > at_ms)]

    def brief(e: dict) -> dict:
        out = {"id": e["id"], "name": e["name"], "since": e["since"], "until": e["until"]}
        return out if e["holder"] == "team" else out | {"active": e["active"]}

    primaries = [brief(e) for e in held if e["role"] == "primary"]
    teams = [brief(e) for e in held if e["role"] == "team"]
    return {
        "uid": uid, "at": from_epoch_ms(at_ms),
        "primary": primaries[-1] if primaries else None,
        "stewards": sorted((brief(e) for e in held if e["role"] == "steward"), key=lambda p: p["id"]),
        "team": teams[-1] if teams else None,
    }
