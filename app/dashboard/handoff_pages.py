"""Handoffs in the dashboard: open one from an artifact page, accept (ticking the
checklist), decline or cancel from your person page. Form posts with the session's CSRF
token; each step calls the same service as the API."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, url_for

from graph_model.errors import Problem, ValidationFailed
from graph_model.services import handoffs

from .pages import artifact_url
from ..access import current_principal
from ..storage import get_store

bp = Blueprint("handoff_pages", __name__)


@bp.app_template_global()
def handoffs_for_viewer(person_id: str) -> dict | None:
    """The viewer's own open handoffs, on their own person page only."""
    principal = current_principal()
    if principal.via not in ("session", "proxy") or principal.person != person_id:
        return None
    return handoffs.of_person(get_store(), person_id)


@bp.app_template_global()
def handoff_defaults() -> list[str]:
    return list(handoffs.DEFAULT_CHECKLIST)


def _form(name: str) -> str:
    value = (request.form.get(name) or "").strip()
    if not value:
        raise ValidationFailed([Problem(name, "is required")])
    return value


@bp.post("/handoffs/open")
def open_():
    uid = _form("artifact")
    handoffs.open_handoff(get_store(), current_principal(), artifact=uid, to=_form("to"), role=_form("role"),
                          reason=_form("reason"), per_kind=current_app.config.get("OWNERGRAPH_HANDOFF_CHECKLISTS"))
    return redirect(artifact_url(uid, handoff="opened"))


@bp.post("/handoffs/<hid>/<step>")
def step(hid: str, step: str):
    principal = current_principal()
    if step == "accept":
        ticked = set(request.form.getlist("item"))
        h = handoffs.get(get_store(), hid)
        handoffs.accept(get_store(), principal, hid, {i: i in ticked for i in h["items"]})
        return redirect(artifact_url(h["artifact"], handoff="accepted"))
    if step not in ("decline", "cancel"):
        raise ValidationFailed([Problem("step", "must be accept, decline or cancel")])
    handoffs.close(get_store(), principal, hid, step, request.form.get("reason") or None)
    return redirect(url_for("dashboard.person", person_id=principal.person))
