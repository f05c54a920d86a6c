"""Ownership review over the API: confirm (the primary owner), and what is overdue."""

from __future__ import annotations

from flask import Blueprint

from graph_model.services import reviews

from . import answers
from .models import ConfirmReview, OverdueQuery, Refusal
from .operation import operation
from ..access import current_principal
from ..storage import get_store

bp = Blueprint("reviews", __name__)


@bp.post("/api/v1/reviews/confirm")
@operation("Confirm an ownership (its primary owner): a new review period starts",
           answer=answers.ReviewStatus, body=ConfirmReview,
           responses={403: ("only the artifact's primary owner, with the 'write' scope, may confirm it "
                            "(an artifact with no primary owner cannot be confirmed)", Refusal),
                      404: "unknown artifact"})
def confirm(body: ConfirmReview):
    return reviews.confirm(get_store(), current_principal(), body.artifact)


@bp.get("/api/v1/reviews/overdue")
@operation("Primary ownerships past their review-by date", answer=answers.OverdueReviews, query=OverdueQuery)
def overdue(args: OverdueQuery):
    return {"review_days": reviews.REVIEW_DAYS, "overdue": reviews.overdue(get_store(), limit=args.limit)}
