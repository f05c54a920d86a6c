"""Changing an artifact from the dashboard: the same manifest planner, the same rights
rule and the same write unit as the API, with the session's CSRF token (checked by
``app.access.guard`` before this view runs)."""

from __future__ import annotations

from flask import Blueprint, redirect, request

from graph_model.errors import Problem, ValidationFailed
from graph_model.ingest import manifest, parse
from graph_model.services import access, artifacts, reviews

from .pages import artifact_url
from ..access import current_principal
from ..storage import get_store

bp = Blueprint("edit", __name__)


@bp.app_template_global()
def may_change(uid: str) -> bool:
    """Whether the caller may change ``uid`` (decides whether the page offers the form)."""
    principal = current_principal()
    return principal.authenticated and access.may_change_artifact(get_store().read, principal, uid)


@bp.post("/artifact-edit")
def artifact_edit():
    uid = (request.form.get("uid") or "").strip()
    if not uid:
        raise ValidationFailed([Problem("uid", "is required")])
    store = get_store()
    kind = artifacts.show(store, uid)["kind"]   # 404 for an unknown uid
    description = (request.form.get("description") or "").strip() or None
    m = parse.validate({"reason": "edited in the dashboard",
                        "artifacts": [{"uid": uid, "kind": kind, "description": description}]})
    principal = current_principal()
    manifest.ingest(store, m, actor=principal.actor, principal=principal)
    return redirect(artifact_url(uid, saved=1))


@bp.app_template_global()
def review_of(uid: str) -> dict | None:
    """The review status of ``uid``'s primary ownership, for the artifact page."""
    return reviews.status(get_store().read, uid)


@bp.post("/review-confirm")
def review_confirm():
    uid = (request.form.get("uid") or "").strip()
    if not uid:
        raise ValidationFailed([Problem("uid", "is required")])
    reviews.confirm(get_store(), current_principal(), uid)
    return redirect(artifact_url(uid, confirmed=1))
