"""Maps domain errors to HTTP in one place; a traceback never reaches the user."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from graph_model.errors import (BadParameter, NotAuthenticated, NotFound, OwnergraphError,
                                PermissionDenied, StoreUnavailable, ValidationFailed)

log = logging.getLogger(__name__)

#: what a 503 tells clients to wait: the store retries every 0.5-5 s (store/recovery.py)
RETRY_AFTER_S = 5


def _wants_json() -> bool:
    """API paths answer JSON; the dashboard's pages answer an HTML error page."""
    return request.path.startswith("/api/") or request.path == "/healthz" or request.path.startswith("/fragments/")


def _json(status: int, body: dict, headers: dict | None = None):
    headers = headers or {}
    if _wants_json():
        return jsonify(body), status, headers
    try:
        return render_template("error.html", status=status, error=body.get("error"),
                               problems=body.get("problems") or [],
                               detail=body.get("detail")), status, headers
    except Exception:  # the error page itself must never fail with a traceback
        log.exception("error page failed on %s", request.path)
        return "error", status, {**headers, "Content-Type": "text/plain; charset=utf-8"}


def init_app(app: Flask) -> None:
    @app.errorhandler(ValidationFailed)
    def _validation(e: ValidationFailed):
        return _json(400, {"error": "invalid input", "problems": [p.as_dict() for p in e.problems]})

    @app.errorhandler(BadParameter)
    def _bad_param(e: BadParameter):
        return _json(400, {"error": str(e), "problems": [{"path": e.name, "message": str(e)}]})

    @app.errorhandler(NotFound)
    def _not_found(e: NotFound):
        return _json(404, {"error": str(e)})

    @app.errorhandler(NotAuthenticated)
    def _unauthenticated(e: NotAuthenticated):
        if not _wants_json():  # a page: log in first, then come back
            return redirect(url_for("access.login", next=request.full_path.rstrip("?")))
        challenge = 'Bearer realm="ownergraph"'
        if e.error:
            challenge += f', error="{e.error}", error_description="{e}"'
        response = jsonify({"error": str(e)})
        response.status_code = 401
        response.headers["WWW-Authenticate"] = challenge
        return response

    @app.errorhandler(PermissionDenied)
    def _denied(e: PermissionDenied):
        body = {"error": str(e)}
        if e.problems:
            body["problems"] = [p.as_dict() for p in e.problems]
        return _json(403, body)

    @app.errorhandler(StoreUnavailable)
    def _unavailable(e: StoreUnavailable):
        # one line in the log (the store logs the outage once), no traceback anywhere;
        # the store reconnects by itself, so the client is told to try again shortly
        log.info("store unavailable on %s: %s", request.path, e)
        return _json(503, {"error": "the graph store is unavailable; try again shortly",
                           "detail": str(e)}, {"Retry-After": str(RETRY_AFTER_S)})

    @app.errorhandler(OwnergraphError)
    def _other(e: OwnergraphError):
        return _json(400, {"error": str(e)})

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        # keep the exception's own headers (405's Allow, 429's Retry-After), not its HTML type
        headers = {k: v for k, v in e.get_headers() if k.lower() != "content-type"}
        if _wants_json():
            return _json(e.code or 500, {"error": e.description}, headers)
        if (e.code or 500) >= 400 and e.code != 405:
            return _json(e.code or 500, {"error": e.description}, headers)
        return e

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        log.exception("unexpected error on %s", request.path)
        return _json(500, {"error": "internal error; see the server log"})
