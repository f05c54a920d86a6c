"""Governance on the dashboard: the recorded reviews of an artifact (artifact page)."""

from __future__ import annotations

from flask import Blueprint

from graph_model.services import recorded_reviews

from ..storage import get_store

bp = Blueprint("governance", __name__)

REVIEWS_SHOWN = 20


@bp.app_template_global()
def recorded_reviews_of(uid: str) -> list[dict]:
    """The newest reviews recorded on ``uid``, for the artifact page."""
    return recorded_reviews.of_artifact(get_store(), uid, limit=REVIEWS_SHOWN)
