"""Incident and impact endpoints: the questions other systems ask during an incident."""

from __future__ import annotations

from flask import Blueprint

from graph_model.services import impact as impact_service
from graph_model.services import incident as incident_service

from . import answers
from .models import ImpactQuery, IncidentQuery
from .operation import operation
from ..storage import get_store

bp = Blueprint("api_incident", __name__)


@bp.get("/api/v1/incident")
@operation("Upstream owners of a failing artifact and whom to page, in order",
           answer=answers.IncidentAnswer, query=IncidentQuery,
           responses={404: "unknown artifact or version, or no version as of the time asked"})
def incident(args: IncidentQuery):
    return incident_service.incident(get_store(), args.artifact, version=args.version, depth=args.depth,
                                     as_of=args.as_of)


@bp.get("/api/v1/impact")
@operation("Everything derived from an artifact, grouped by kind, and whom to notify",
           answer=answers.ImpactAnswer, query=ImpactQuery,
           responses={404: "unknown artifact or version"})
def impact(args: ImpactQuery):
    return impact_service.impact(get_store(), args.artifact, version=args.version, depth=args.depth)
