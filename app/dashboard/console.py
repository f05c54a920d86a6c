"""The read-only Cypher console: a page for analysts and ``POST /api/v1/cypher``.

Read-only is the database's job (see ``GraphStore.query_readonly``); this blueprint
applies the configured time limit and row cap, turns a write attempt into a clear
refusal (403) and a bad query into a 400 naming the problem, and draws nodes and
relationships when a result holds them.
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, render_template, request, url_for

from graph_model.errors import PermissionDenied, Problem, ValidationFailed
from graph_model.services import console as console_service

from ..api import answers
from ..api.models import CypherRequest, Problems
from ..api.operation import operation
from .console_graph import graph_of
from .pages import artifact_url
from .graphview import DEFAULT_CAP
from ..storage import get_store

bp = Blueprint("console", __name__)


def limits() -> tuple[int, int]:
    """(timeout_ms, row_cap) from the app config, with the documented defaults."""
    cfg = current_app.config
    return (int(cfg.get("OWNERGRAPH_CONSOLE_TIMEOUT_MS", console_service.DEFAULT_TIMEOUT_MS)),
            int(cfg.get("OWNERGRAPH_CONSOLE_ROW_CAP", console_service.DEFAULT_ROW_CAP)))


def _urls() -> dict:
    return {"artifact": artifact_url,
            "person": lambda pid: url_for("dashboard.person", person_id=pid),
            "team": lambda tid: url_for("dashboard.team", team_id=tid)}


@bp.post("/api/v1/cypher")
@operation("Run a read-only Cypher query (time limit and row cap apply; writes are refused)",
           answer=answers.CypherAnswer, body=CypherRequest,
           responses={400: ("the body breaks a rule of this document, bad params, a syntax error or "
                            "the time limit exceeded", Problems),
                      403: "the query would write: refused, nothing changed"})
def api_cypher():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed([Problem("body", 'must be a JSON object {"query": ..., "params": {...}}')])
    timeout_ms, row_cap = limits()
    result = console_service.run(get_store(), body.get("query"), body.get("params"),
                                 timeout_ms=timeout_ms, row_cap=row_cap)
    return jsonify(result)


@bp.route("/console", methods=["GET", "POST"])
def page():
    """GET shows the form (optionally an example); POST runs the query and shows the answer."""
    examples = console_service.examples()
    chosen = next((e for e in examples if e.name == request.args.get("example")), None)
    query = request.form.get("query") if request.method == "POST" else (chosen.query if chosen else "")
    params_text = request.form.get("params") if request.method == "POST" else (
        json.dumps(chosen.params, indent=1) if chosen and chosen.params else "")
    timeout_ms, row_cap = limits()
    result = graph = error = refused = None
    status = 200
    if request.method == "POST":
        try:
            params = console_service.parse_params_text(params_text)
            result = console_service.run(get_store(), query, params, timeout_ms=timeout_ms, row_cap=row_cap)
            graph = graph_of(result["rows"], _urls(),
                             int(current_app.config.get("OWNERGRAPH_GRAPH_NODE_CAP", DEFAULT_CAP)))
        except PermissionDenied as e:
            refused, status = str(e), 403
        except ValidationFailed as e:
            error, status = "; ".join(str(p) for p in e.problems), 400
    return render_template("console.html", examples=examples, chosen=chosen, query=query or "",
                           params_text=params_text or "", result=result, graph=graph, error=error,
                           refused=refused, timeout_ms=timeout_ms, row_cap=row_cap), status
