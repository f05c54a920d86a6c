"""Reviews over the API: the ownership review (confirm, overdue) and recorded reviews of
artifacts (performance, bias, drift ...: record, list)."""

from __future__ import annotations

from flask import Blueprint

from graph_model.services import recorded_reviews, reviews

from . import answers
from .models import ConfirmReview, OverdueQuery, RecordReview, Refusal, ReviewsQuery
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


@bp.post("/api/v1/reviews")
@operation("Record a review of an artifact (performance, bias, drift ...) and its outcome",
           answer=answers.RecordedReview, body=RecordReview, status=201,
           responses={403: ("only someone who may change the artifact (owner, steward, accountable team, "
                            "admin), with the 'write' scope, may record a review", Refusal),
                      404: "unknown artifact, or a version it does not have"})
def record(body: RecordReview):
    return recorded_reviews.record(get_store(), current_principal(), artifact=body.artifact,
                                   version=body.version, kind=body.kind, outcome=body.outcome,
                                   link=body.link, notes=body.notes)


@bp.get("/api/v1/reviews")
@operation("The reviews recorded on an artifact, newest first", answer=answers.RecordedReviews,
           query=ReviewsQuery, responses={404: "unknown artifact"})
def listing(args: ReviewsQuery):
    return {"artifact": args.artifact,
            "reviews": recorded_reviews.of_artifact(get_store(), args.artifact, limit=args.limit)}
