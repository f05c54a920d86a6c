"""Incident records, playbooks and knowledge links in the dashboard.

The incident page opens a record ("Open incident"), shows the open records of the
failing artifact with their timelines, and offers an append form and a resolve form; the
artifact page lists every record that touched the artifact and its knowledge links. Form
posts carry the session's CSRF token (checked by ``app.access.guard`` before these views
run) and call the same services as the API, so the same rule decides who may record.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request

from graph_model.errors import Problem, ValidationFailed
from graph_model.services import incident_records, knowledge

from .pages import artifact_url, incident_url
from ..access import current_principal
from ..storage import get_store

bp = Blueprint("incident_pages", __name__)

ARTIFACT_PAGE_INCIDENTS = 20


@bp.app_template_global()
def may_record() -> bool:
    """Whether the viewer is logged in with a write right, so the page offers the forms
    (the service decides again, inside the write unit)."""
    principal = current_principal()
    return principal.via in ("session", "proxy") and principal.has("write")


@bp.app_template_global()
def open_records(uid: str) -> list[dict]:
    """The open records of ``uid`` failing, with snapshots and timelines."""
    return incident_records.open_of(get_store(), uid)


@bp.app_template_global()
def artifact_records(uid: str) -> dict:
    """For the artifact page: records that touched ``uid`` (newest first) and its knowledge links."""
    store = get_store()
    return {"incidents": incident_records.listing(store, artifact=uid, limit=ARTIFACT_PAGE_INCIDENTS),
            "knowledge": knowledge.of_artifact(store, uid)}


@bp.app_template_global()
def record_choices() -> dict:
    return {"severities": incident_records.SEVERITIES, "entry_types": incident_records.ENTRY_TYPES,
            "knowledge_kinds": knowledge.KINDS}


def _form(name: str, required: bool = True) -> str | None:
    value = (request.form.get(name) or "").strip()
    if not value and required:
        raise ValidationFailed([Problem(name, "is required")])
    return value or None


@bp.post("/incidents/open")
def open_():
    uid = _form("artifact")
    rec = incident_records.open_incident(get_store(), current_principal(), artifact=uid,
                                         version=_form("version", required=False), title=_form("title"),
                                         severity=_form("severity"))
    return redirect(incident_url(uid, record="opened") + f"#{rec['id']}")


@bp.post("/incidents/<iid>/timeline")
def append(iid: str):
    rec = incident_records.append(get_store(), current_principal(), iid, type=_form("type"), text=_form("text"))
    return redirect(incident_url(rec["artifact"], record="noted") + f"#{iid}")


@bp.post("/incidents/<iid>/resolve")
def resolve(iid: str):
    rec = incident_records.resolve(get_store(), current_principal(), iid, postmortem=_form("postmortem"),
                                   summary=_form("summary", required=False))
    return redirect(incident_url(rec["artifact"], record="resolved") + "#incident-records")


@bp.post("/knowledge/add")
def add_knowledge():
    uid = _form("artifact")
    knowledge.add(get_store(), current_principal(), artifact=uid, kind=_form("kind"), title=_form("title"),
                  url=_form("url"))
    return redirect(artifact_url(uid, linked=1) + "#knowledge")


@bp.app_template_global()
def knowledge_hits(q: str) -> list[dict]:
    """Knowledge links matching the home page's search text (title, URL or artifact uid)."""
    return knowledge.search(get_store(), q, 20) if q else []
