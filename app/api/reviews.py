"""Ownership review over the API: confirm (the primary owner), and what is overdue."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from graph_model.errors import Problem, ValidationFailed
from graph_model.services import reviews

from ..access import current_principal
from ..params import int_arg
from ..storage import get_store

bp = Blueprint("reviews", __name__)


@bp.post("/api/v1/reviews/confirm")
def confirm():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("artifact"), str) or not body["artifact"].strip():
        raise ValidationFailed([Problem("artifact", 'is required: {"artifact": UID}')])
    return jsonify(reviews.confirm(get_store(), current_principal(), body["artifact"].strip()))


@bp.get("/api/v1/reviews/overdue")
def overdue():
    return jsonify({"review_days": reviews.REVIEW_DAYS,
                    "overdue": reviews.overdue(get_store(), limit=int_arg("limit", 100, 1, 5000))})
