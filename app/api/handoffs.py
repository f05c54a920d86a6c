"""Handoffs over the API: open, accept (with the checklist), decline, cancel, list.

``@operation`` validates each body against its model (every problem with its path,
before the view runs); who may do each step is the domain's decision
(``graph_model.services.handoffs``), made inside the write unit.
"""

from __future__ import annotations

from flask import Blueprint, current_app

from graph_model.services import handoffs

from . import answers
from .models import AcceptHandoff, CloseHandoff, HandoffPath, HandoffsQuery, OpenHandoff, OpenPortfolio, Problems
from .operation import operation
from ..access import current_principal
from ..storage import get_store

bp = Blueprint("handoffs", __name__)

_NO_HANDOFF = "unknown handoff"
_CLOSED = ("a parameter or the body breaks a rule of this document, or the handoff is no longer open "
           "(already accepted, declined or cancelled)", Problems)


def _checklists() -> dict[str, list[str]] | None:
    return current_app.config.get("OWNERGRAPH_HANDOFF_CHECKLISTS")


@bp.post("/api/v1/handoffs")
@operation("Open a handoff of an artifact's owner or steward role to a person",
           answer=answers.Handoff, body=OpenHandoff, status=201,
           responses={400: ("the body breaks a rule of this document, or `to` is not an active person",
                            Problems),
                      404: "unknown artifact"})
def open_handoff(body: OpenHandoff):
    return handoffs.open_handoff(get_store(), current_principal(), artifact=body.artifact, to=body.to,
                                 role=body.role, reason=body.reason, per_kind=_checklists())


@bp.post("/api/v1/handoffs/portfolio")
@operation("Open a handoff to one person for every role another person holds (leaving, moving teams)",
           answer=answers.HandoffList, body=OpenPortfolio, status=201,
           responses={400: ("the body breaks a rule of this document, or `to` is not an active person "
                            "other than `person`", Problems),
                      404: "unknown person"})
def portfolio(body: OpenPortfolio):
    opened = handoffs.open_portfolio(get_store(), current_principal(), person=body.person, to=body.to,
                                     reason=body.reason, per_kind=_checklists())
    return {"handoffs": opened}


@bp.post("/api/v1/handoffs/<hid>/accept")
@operation("Accept a handoff (its receiver, every checklist item checked): the role moves",
           answer=answers.Handoff, path=HandoffPath, body=AcceptHandoff,
           responses={400: ("a parameter or the body breaks a rule of this document, an item of the "
                            "handoff's checklist is not checked (each named checklist.<item>), or the "
                            "handoff is no longer open", Problems),
                      404: _NO_HANDOFF})
def accept(hid: str, body: AcceptHandoff):
    return handoffs.accept(get_store(), current_principal(), hid, body.checklist)


@bp.post("/api/v1/handoffs/<hid>/decline")
@operation("Decline a handoff (its receiver)", answer=answers.Handoff, path=HandoffPath,
           body=CloseHandoff, body_required=False, responses={400: _CLOSED, 404: _NO_HANDOFF})
def decline(hid: str, body: CloseHandoff):
    return handoffs.close(get_store(), current_principal(), hid, "decline", body.reason)


@bp.post("/api/v1/handoffs/<hid>/cancel")
@operation("Cancel a handoff (its opener, or anyone with rights on the artifact)", answer=answers.Handoff,
           path=HandoffPath, body=CloseHandoff, body_required=False, responses={400: _CLOSED, 404: _NO_HANDOFF})
def cancel(hid: str, body: CloseHandoff):
    return handoffs.close(get_store(), current_principal(), hid, "cancel", body.reason)


@bp.get("/api/v1/handoffs")
@operation("A person's open handoffs: waiting for them, and opened by them",
           answer=answers.HandoffsOfPerson, query=HandoffsQuery)
def of_person(args: HandoffsQuery):
    return handoffs.of_person(get_store(), args.person)
