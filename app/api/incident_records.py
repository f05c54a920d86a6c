"""Incident records, knowledge links and playbooks over the API.

Who may write is the domain's decision (``graph_model.services.recorders``: any active
principal with ``write``), made inside the write unit; ``@operation`` validates every
body against its model first, each problem named by its field.
"""

from __future__ import annotations

from flask import Blueprint

from graph_model.services import incident_records, knowledge, playbooks

from . import answers
from .models import (AddKnowledge, IncidentEntryBody, IncidentPath, IncidentsQuery, KnowledgeQuery, OpenIncident,
                     PlaybookQuery, Problems, ResolveIncident)
from .operation import operation
from ..access import current_principal
from ..storage import get_store

bp = Blueprint("incident_records", __name__)

_NO_INCIDENT = "unknown incident"
_RESOLVED = ("a parameter or the body breaks a rule of this document, or the incident is already resolved "
             "(named `incident`)", Problems)


@bp.post("/api/v1/incidents")
@operation("Open an incident record: the page list and the upstream set are snapshot now",
           answer=answers.IncidentRecord, body=OpenIncident, status=201,
           responses={404: "unknown artifact or version"})
def open_incident(body: OpenIncident):
    return incident_records.open_incident(get_store(), current_principal(), artifact=body.artifact,
                                          version=body.version, title=body.title, severity=body.severity)


@bp.get("/api/v1/incidents")
@operation("Incident records, newest first: all, or those touching an artifact; open, resolved or both",
           answer=answers.IncidentList, query=IncidentsQuery)
def list_incidents(args: IncidentsQuery):
    return {"incidents": incident_records.listing(get_store(), artifact=args.artifact, status=args.status,
                                                  limit=args.limit)}


@bp.get("/api/v1/incidents/<iid>")
@operation("One incident record with its snapshot and timeline", answer=answers.IncidentRecord,
           path=IncidentPath, responses={404: _NO_INCIDENT})
def get_incident(iid: str):
    return incident_records.get(get_store(), iid)


@bp.post("/api/v1/incidents/<iid>/timeline")
@operation("Append a timeline entry (paged, acknowledged, decision, rollback, note) to an open incident",
           answer=answers.IncidentRecord, path=IncidentPath, body=IncidentEntryBody,
           responses={400: _RESOLVED, 404: _NO_INCIDENT})
def append(iid: str, body: IncidentEntryBody):
    return incident_records.append(get_store(), current_principal(), iid, type=body.type, text=body.text)


@bp.post("/api/v1/incidents/<iid>/resolve")
@operation("Resolve an open incident with its postmortem link (attached to the failing artifact)",
           answer=answers.IncidentRecord, path=IncidentPath, body=ResolveIncident,
           responses={400: _RESOLVED, 404: _NO_INCIDENT})
def resolve(iid: str, body: ResolveIncident):
    return incident_records.resolve(get_store(), current_principal(), iid, postmortem=body.postmortem,
                                    summary=body.summary)


@bp.post("/api/v1/knowledge")
@operation("Attach a postmortem, case study or how-to to an artifact", answer=answers.KnowledgeLink,
           body=AddKnowledge, status=201, responses={404: "unknown artifact"})
def add_knowledge(body: AddKnowledge):
    return knowledge.add(get_store(), current_principal(), artifact=body.artifact, kind=body.kind,
                         title=body.title, url=body.url)


@bp.get("/api/v1/knowledge")
@operation("Knowledge links: those of an artifact, or those matching a search text", answer=answers.KnowledgeList,
           query=KnowledgeQuery)
def list_knowledge(args: KnowledgeQuery):
    store = get_store()
    links = knowledge.of_artifact(store, args.artifact) if args.artifact else []
    if args.q:
        found = knowledge.search(store, args.q, args.limit)
        links = [k for k in found if not args.artifact or k["artifact"] == args.artifact]
    return {"links": links}


@bp.get("/api/v1/playbook")
@operation("The playbook that applies to an artifact, field by field: its own, its team's, its kind's",
           answer=answers.PlaybookAnswer, query=PlaybookQuery, responses={404: "unknown artifact"})
def playbook(args: PlaybookQuery):
    return {"artifact": args.artifact, "playbook": playbooks.of_artifact(get_store(), args.artifact)}
