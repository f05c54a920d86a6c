"""Maps domain errors to HTTP in one place; a traceback never reaches the user."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from graph_model.errors import (BadParameter, NotFound, OwnergraphError, PermissionDenied,
                                StoreUnavailable, ValidationFailed)

log = logging.getLogger(__name__)


def _json(status: int, body: dict):
    return jsonify(body), status


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

    @app.errorhandler(PermissionDenied)
    def _denied(e: PermissionDenied):
        return _json(403, {"error": str(e)})

    @app.errorhandler(StoreUnavailable)
    def _unavailable(e: StoreUnavailable):
        log.warning("store unavailable: %s", e)
        return _json(503, {"error": "the graph store is unavailable", "detail": str(e)})

    @app.errorhandler(OwnergraphError)
    def _other(e: OwnergraphError):
        return _json(400, {"error": str(e)})

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        if request.path.startswith("/api/") or request.path == "/healthz":
            return _json(e.code or 500, {"error": e.description})
        return e

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        log.exception("unexpected error on %s", request.path)
        return _json(500, {"error": "internal error; see the server log"})
