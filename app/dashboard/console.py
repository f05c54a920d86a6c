"""The read-only Cypher console: a page for analysts and ``POST /api/v1/cypher``.

Read-only is the database's job (see ``GraphStore.query_readonly``); this blueprint
applies the configured time limit, row cap and concurrency (one ``ConsoleGate`` per
app, so per served process), turns a write attempt into a clear refusal (403), a bad
query into a 400 naming the problem, a full console into 429 with ``Retry-After``, and
draws nodes and relationships when a result holds them. The page also shows the schema
panel (``services/graph_schema``: what the store holds, with counts, which the editor
completes from) and the Graph model page (``graph_doc``: what each name means).

Settings (app config first, then the environment): ``OWNERGRAPH_CONSOLE_TIMEOUT_MS``,
``OWNERGRAPH_CONSOLE_ROW_CAP``, ``OWNERGRAPH_CONSOLE_CONCURRENCY`` (default: half the
cores, at least 1) and ``OWNERGRAPH_CONSOLE_QUEUE`` (requests that may wait for a slot,
default 1).
"""

from __future__ import annotations

import json
import os
import threading
import time

from flask import Blueprint, current_app, jsonify, render_template, request, url_for

from graph_model import graph_doc
from graph_model.errors import Busy, PermissionDenied, Problem, StoreUnavailable, ValidationFailed
from graph_model.services import console as console_service
from graph_model.services import graph_schema
from graph_model.services.console_gate import ConsoleGate, default_concurrency

from ..api import answers
from ..api.models import CypherRequest, Problems
from ..api.operation import operation
from .console_graph import graph_of
from .pages import artifact_url
from .graphview import DEFAULT_CAP
from ..storage import get_store

bp = Blueprint("console", __name__)


_GATE_KEY = "ownergraph.console_gate"
HISTORY_SIZE = 50   # queries each browser keeps (localStorage; a few KB each at most)
_gate_lock = threading.Lock()


def _setting(name: str, default: int) -> int:
    value = current_app.config.get(name, os.environ.get(name))
    return default if value in (None, "") else int(value)


def limits() -> tuple[int, int]:
    """(timeout_ms, row_cap) from the app config or environment, with the documented defaults."""
    return (_setting("OWNERGRAPH_CONSOLE_TIMEOUT_MS", console_service.DEFAULT_TIMEOUT_MS),
            _setting("OWNERGRAPH_CONSOLE_ROW_CAP", console_service.DEFAULT_ROW_CAP))


def gate() -> ConsoleGate:
    """The app's console gate, made on first use from the settings."""
    found = current_app.extensions.get(_GATE_KEY)
    if found is None:
        with _gate_lock:
            found = current_app.extensions.get(_GATE_KEY)
            if found is None:
                found = ConsoleGate(_setting("OWNERGRAPH_CONSOLE_CONCURRENCY", default_concurrency()),
                                    _setting("OWNERGRAPH_CONSOLE_QUEUE", 1))
                current_app.extensions[_GATE_KEY] = found
    return found


@bp.errorhandler(Busy)
def _busy(e: Busy):
    """429 for the API; the page renders its own message (see ``page``)."""
    response = jsonify({"error": str(e), "retry_after": e.retry_after})
    response.status_code = 429
    response.headers["Retry-After"] = str(e.retry_after)
    return response


def _body() -> dict:
    """The JSON body; nesting too deep for the parser is a 400 like any other bad body."""
    try:
        body = json.loads(request.get_data(cache=True) or b"null")
    except RecursionError:
        raise ValidationFailed([Problem("body", f"nested deeper than the parser allows; params may "
                                                f"nest {console_service.MAX_PARAMS_DEPTH} levels")]) from None
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ValidationFailed([Problem("body", 'must be a JSON object {"query": ..., "params": {...}}')])
    return body


def _urls() -> dict:
    return {"artifact": artifact_url,
            "person": lambda pid: url_for("dashboard.person", person_id=pid),
            "team": lambda tid: url_for("dashboard.team", team_id=tid)}


@bp.post("/api/v1/cypher")
@operation("Run a read-only Cypher query (time limit and row cap apply; writes are refused)",
           answer=answers.CypherAnswer, body=CypherRequest,
           responses={400: ("the body breaks a rule of this document, bad params, a syntax error or "
                            "the time limit exceeded", Problems),
                      403: "the query would write: refused, nothing changed",
                      429: ("every console slot is taken (queue included): retry after the "
                            "Retry-After header's seconds", answers.ConsoleBusy)})
def api_cypher():
    arrived = time.monotonic()
    body = _body()
    timeout_ms, row_cap = limits()
    result = console_service.run(get_store(), body.get("query"), body.get("params"),
                                 timeout_ms=timeout_ms, row_cap=row_cap, gate=gate(), arrived=arrived)
    return jsonify(result)


@bp.route("/console", methods=["GET", "POST"])
def page():
    """GET shows the form (optionally an example); POST runs the query and shows the answer."""
    arrived = time.monotonic()
    examples = console_service.examples()
    chosen = next((e for e in examples if e.name == request.args.get("example")), None)
    query = request.form.get("query") if request.method == "POST" else (chosen.query if chosen else "")
    params_text = request.form.get("params") if request.method == "POST" else (
        json.dumps(chosen.params, indent=1) if chosen and chosen.params else "")
    timeout_ms, row_cap = limits()
    result = graph = error = refused = busy = None
    status, headers = 200, {}
    if request.method == "POST":
        try:
            params = console_service.parse_params_text(params_text)
            result = console_service.run(get_store(), query, params, timeout_ms=timeout_ms, row_cap=row_cap,
                                         gate=gate(), arrived=arrived)
            graph = graph_of(result["rows"], _urls(),
                             int(current_app.config.get("OWNERGRAPH_GRAPH_NODE_CAP", DEFAULT_CAP)))
        except PermissionDenied as e:
            refused, status = str(e), 403
        except ValidationFailed as e:
            error, status = "; ".join(str(p) for p in e.problems), 400
        except Busy as e:
            busy, status, headers = e, 429, {"Retry-After": str(e.retry_after)}
    return render_template("console.html", examples=examples, chosen=chosen, query=query or "",
                           params_text=params_text or "", result=result, graph=graph, error=error,
                           refused=refused, busy=busy, timeout_ms=timeout_ms, row_cap=row_cap,
                           schema=_schema(), history_size=HISTORY_SIZE), status, headers


def _schema():
    """The schema panel's data; the page still works (a query can be run) without it."""
    try:
        return graph_schema.cached(get_store())
    except StoreUnavailable:
        return None


@bp.get("/graph-model")
def graph_model():
    """Every label, relationship type and property with its meaning, from the code (the
    same text as docs/graph-model.md), and the worked queries with a link to run each."""
    return render_template("graph_model.html", model=graph_doc.model(), examples=console_service.examples())
