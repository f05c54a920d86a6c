"""Handoffs over the API: open, accept (with the checklist), decline, cancel, list.

Bodies are JSON objects; who may do each step is the domain's decision
(``graph_model.services.handoffs``), made inside the write unit.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from graph_model.errors import Problem, ValidationFailed
from graph_model.services import handoffs

from ..access import current_principal
from ..params import required_arg
from ..storage import get_store

bp = Blueprint("handoffs", __name__)


def _body() -> dict:
    body = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(body, dict):
        raise ValidationFailed([Problem("body", "must be a JSON object")])
    return body


def _text(body: dict, name: str, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed([Problem(name, "is required (a string)")])
    return value.strip()


@bp.post("/api/v1/handoffs")
def open_handoff():
    body = _body()
    fields = ("artifact", "to", "role", "reason")
    problems = [Problem(n, "is required (a string)") for n in fields
                if not isinstance(body.get(n), str) or not body[n].strip()]
    if problems:
        raise ValidationFailed(problems)
    answer = handoffs.open_handoff(
        get_store(), current_principal(), artifact=body["artifact"].strip(), to=body["to"].strip(),
        role=body["role"].strip(), reason=body["reason"].strip(),
        per_kind=current_app.config.get("OWNERGRAPH_HANDOFF_CHECKLISTS"))
    return jsonify(answer), 201


@bp.post("/api/v1/handoffs/portfolio")
def portfolio():
    body = _body()
    problems = [Problem(n, "is required (a string)") for n in ("person", "to", "reason")
                if not isinstance(body.get(n), str) or not body[n].strip()]
    if problems:
        raise ValidationFailed(problems)
    opened = handoffs.open_portfolio(get_store(), current_principal(), person=body["person"].strip(),
                                     to=body["to"].strip(), reason=body["reason"].strip(),
                                     per_kind=current_app.config.get("OWNERGRAPH_HANDOFF_CHECKLISTS"))
    return jsonify({"handoffs": opened}), 201


@bp.post("/api/v1/handoffs/<hid>/accept")
def accept(hid: str):
    checklist = _body().get("checklist")
    if not isinstance(checklist, dict):
        raise ValidationFailed([Problem("checklist", 'must be an object {"item": true, ...}')])
    return jsonify(handoffs.accept(get_store(), current_principal(), hid, checklist))


@bp.post("/api/v1/handoffs/<hid>/decline")
def decline(hid: str):
    return jsonify(handoffs.close(get_store(), current_principal(), hid, "decline",
                                  _text(_body(), "reason", required=False)))


@bp.post("/api/v1/handoffs/<hid>/cancel")
def cancel(hid: str):
    return jsonify(handoffs.close(get_store(), current_principal(), hid, "cancel",
                                  _text(_body(), "reason", required=False)))


@bp.get("/api/v1/handoffs")
def of_person():
    return jsonify(handoffs.of_person(get_store(), required_arg("person")))
