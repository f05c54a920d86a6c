"""The /audit page: events filtered by actor, target and time, each with its field-level
change, and, on request, the state of the hash chain.

Verification walks the whole chain (about a second per 100k events on the embedded
engine), so it runs when asked (``?verify=1``), not on every view.
"""

from __future__ import annotations

import json

from flask import Blueprint, render_template, request

from graph_model.errors import AuditChainBroken
from graph_model.schema import from_epoch_ms
from graph_model.services import audit

from ..params import int_arg, parse_instant
from ..storage import get_store

bp = Blueprint("audit_page", __name__)


def _text(name: str) -> str | None:
    return (request.args.get(name) or "").strip() or None


def field_changes(action: str, changes: str | None) -> list[dict]:
    """One row per field: ``old -> new`` for updates, the value otherwise."""
    details = json.loads(changes) if changes else {}
    rows = []
    for field, value in details.items():
        if action.endswith(".update") and isinstance(value, list) and len(value) == 2:
            rows.append({"field": field, "old": value[0], "new": value[1], "changed": True})
        else:
            rows.append({"field": field, "new": value, "changed": False})
    return rows


@bp.get("/audit")
def page():
    store = get_store()
    actor, target = _text("actor"), _text("target")
    since, until = parse_instant("since", _text("since")), parse_instant("until", _text("until"))
    limit = int_arg("limit", 200, 1, 2000)
    events = store.read("audit_events_filtered", actor=actor, target=target,
                        target_prefix=(target + "@") if target else None, since=since, until=until, limit=limit)
    for e in events:
        e["fields"] = field_changes(e["action"], e["changes"])
        e["when"] = from_epoch_ms(e["at"])
    state = None
    if request.args.get("verify"):
        try:
            state = {"ok": True, "events": audit.verify(store)}
        except AuditChainBroken as e:
            state = {"ok": False, "seq": e.seq, "message": str(e)}
    head = store.read("audit_head")[0]
    return render_template("audit.html", events=events, state=state, head=head, limit=limit,
                           form={k: request.args.get(k) or "" for k in ("actor", "target", "since", "until")})
