"""The login page, the login form's post and logout."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from graph_model.errors import PermissionDenied

from . import passwords, sessions
from .guard import current_principal
from ..storage import get_store

bp = Blueprint("access", __name__)


def _safe_next(value: str | None) -> str:
    """Only a path on this site (never ``//host`` or ``https://...``): no open redirect."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return url_for("dashboard.home")


@bp.get("/login")
def login():
    return render_template("login.html", next=_safe_next(request.args.get("next")), error=None,
                           person=current_principal().person)


def _data_dir():
    """The data directory the server was started on (where the pepper file lives)."""
    config = current_app.config.get("OWNERGRAPH_STORE_CONFIG")
    return getattr(config, "home", None)


@bp.post("/login", endpoint="login_post")
def login_post():
    person = (request.form.get("person") or "").strip()
    password = request.form.get("password") or ""
    address = request.remote_addr or "unknown"
    target = _safe_next(request.form.get("next"))
    limiter = current_app.extensions["ownergraph.failed_logins"]
    wait = limiter.retry_after(person, address)
    if wait:
        return render_template("login.html", next=target, person=None,
                               error=f"Too many failed attempts; try again in {wait // 60 + 1} min."), 429, \
            {"Retry-After": str(wait)}
    store = get_store()
    if not passwords.check(store, person, password, home=_data_dir()):
        limiter.failed(person, address)
        current_app.logger.warning("failed login for %r from %s", person, address)
        return render_template("login.html", next=target, person=None,
                               error="Unknown person or wrong password."), 401
    limiter.succeeded(person)
    response = redirect(target)
    sessions.set_cookie(response, request, sessions.start(store, person, address))
    return response


@bp.post("/logout")
def logout():
    principal = current_principal()
    if principal.via != "session":
        raise PermissionDenied("not logged in with a session")
    sessions.end(get_store(), g.session_secret)
    response = redirect(url_for("access.login"))
    sessions.clear_cookie(response, request)
    return response
