"""Every request passes here first: who is calling, and may a request like this come in.

In order: a state-changing request from another origin is refused (Sec-Fetch-Site, then
Origin); an API body that is not JSON or YAML by its content type is refused (a form or
``text/plain`` post is exactly what a foreign page can send without a preflight); the
caller is identified (bearer token, session cookie, trusted proxy header, or nobody); a
session- or proxy-authenticated write must carry the CSRF token; reads need the ``read``
scope or anonymous reading switched on; writes need a credential (what it may change is
decided by the rights rule in the view, inside the write unit).
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from werkzeug.exceptions import UnsupportedMediaType

from graph_model.errors import NotAuthenticated, PermissionDenied
from graph_model.services.access import SCOPES, Principal

from . import sessions, tokens
from ..storage import get_store

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_ENDPOINTS = frozenset({"access.login", "access.login_post", "static", "dashboard.vis_asset",
                              "api.healthz", "api.openapi"})
ASSETS = frozenset({"static", "dashboard.vis_asset"})
#: POSTs that only read (the console): they need ``read``, not a write scope
READ_POSTS = frozenset({"console.page", "console.api_cypher"})
BODY_TYPES = frozenset({"application/json", "application/yaml", "application/x-yaml", "text/yaml",
                        "text/x-yaml"})
LOOPBACK = ("127.", "::1")


def init_app(app: Flask) -> None:
    app.before_request(check_request)


def current_principal() -> Principal:
    return g.get("principal") or Principal(address=request.remote_addr)


def check_request() -> None:
    address = request.remote_addr
    unsafe = request.method not in SAFE_METHODS
    if unsafe:
        _refuse_cross_origin()
        if request.path.startswith("/api/"):
            _refuse_foreign_body()
    endpoint = request.endpoint
    if endpoint in ASSETS:
        return  # no credential lookup (one read) for every script and stylesheet
    g.principal = principal = _identify(address)
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return
    if unsafe and principal.via in ("session", "proxy"):
        _require_csrf(principal)
    if not unsafe or endpoint in READ_POSTS:
        if not principal.authenticated:
            if not anonymous_read_allowed(address):
                raise NotAuthenticated("log in, or send Authorization: Bearer <token>", error=None)
        elif not principal.has("read"):
            raise PermissionDenied(f"this credential ({principal.actor}) lacks the 'read' scope")
        return
    if not principal.authenticated:
        raise NotAuthenticated("changes need a credential: send Authorization: Bearer <token>", error=None)
    if not (principal.has("write") or principal.has("lineage")):
        raise PermissionDenied(f"this credential ({principal.actor}) has no 'write' or 'lineage' scope")


def anonymous_read_allowed(address: str | None) -> bool:
    mode = current_app.config.get("OWNERGRAPH_ANONYMOUS_READ", False)
    if mode == "loopback":
        return bool(address) and address.startswith(LOOPBACK)
    return bool(mode)


def _identify(address: str | None) -> Principal:
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise NotAuthenticated("use Authorization: Bearer <token>", error="invalid_request")
        return tokens.verify(get_store(), value.strip(), address,
                             current_app.extensions["ownergraph.token_cache"])
    cookie = request.cookies.get(sessions.COOKIE)
    if cookie:
        found = sessions.lookup(get_store(), cookie, address)
        if found is not None:
            g.session_secret = cookie
            return found
    proxy_header = current_app.config.get("OWNERGRAPH_TRUSTED_PROXY_HEADER")
    if proxy_header and request.headers.get(proxy_header):
        if address not in current_app.config.get("OWNERGRAPH_TRUSTED_PROXIES", ("127.0.0.1", "::1")):
            raise NotAuthenticated(f"{proxy_header} is only accepted from the trusted proxy", error=None)
        person = request.headers[proxy_header].strip()
        rows = get_store().read("access_person", id=person)
        if not rows or not rows[0]["active"]:
            raise NotAuthenticated(f"the proxy's user {person!r} is not an active person here", error=None)
        return Principal(person=person, scopes=frozenset(SCOPES), via="proxy", address=address)
    return Principal(address=address)


def csrf_token() -> str:
    """The CSRF token of the current session or proxy user ('' when there is none)."""
    principal = g.get("principal")
    if principal is None:
        return ""
    if principal.via == "session":
        return sessions.csrf_for(g.session_secret)
    if principal.via == "proxy":
        return sessions.csrf_for(current_app.config["OWNERGRAPH_CSRF_SECRET"] + "\0" + principal.person)
    return ""


def _require_csrf(principal: Principal) -> None:
    given = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
    if not given or not hmac.compare_digest(given, csrf_token()):
        raise PermissionDenied("missing or wrong CSRF token: reload the page and try again")


def _refuse_cross_origin() -> None:
    """A browser says where a request comes from; a write from any other site is refused.

    Clients that are not browsers send neither header and are let through: they carry
    no ambient credentials (cookies) that a foreign page could borrow.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        raise PermissionDenied(f"cross-origin write refused (Sec-Fetch-Site: {site})")
    origin = request.headers.get("Origin")
    if origin is None:
        return
    allowed = {request.host.lower(), *(urlsplit(o).netloc.lower()
                                       for o in current_app.config.get("OWNERGRAPH_ALLOWED_ORIGINS", ()))}
    if urlsplit(origin).netloc.lower() not in allowed:
        raise PermissionDenied(f"cross-origin write refused (Origin: {origin})")


def _refuse_foreign_body() -> None:
    if not request.content_length and not request.content_type:
        return  # no body at all
    if request.mimetype not in BODY_TYPES:
        raise UnsupportedMediaType(f"the body must be JSON or YAML (Content-Type application/json or "
                                   f"application/yaml), not {request.mimetype or 'none'}")
