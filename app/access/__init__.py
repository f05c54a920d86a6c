"""Identity for the web faces: API tokens, dashboard sessions, CSRF, cross-origin refusal,
and an optional trusted-proxy (SSO) mode. What a caller may change is not decided here
but by ``graph_model.services.access``, which the views ask.

Settings (Flask config):
    OWNERGRAPH_ANONYMOUS_READ: False (default: every page and API call needs a session or
        a token), True (anyone who reaches the server may read), or "loopback" (only
        clients on 127.0.0.0/8 and ::1; the demo's setting).
    OWNERGRAPH_TRUSTED_PROXY_HEADER: off by default. A header name (e.g.
        ``X-Forwarded-User``) that an SSO proxy sets to a person id; accepted only from
        OWNERGRAPH_TRUSTED_PROXIES (default loopback). Anyone who can reach the app
        without passing through the proxy can claim to be anyone: bind the app to an
        address only the proxy reaches. See docs/access.md.
    OWNERGRAPH_ALLOWED_ORIGINS: origins besides the app's own host allowed to send
        writes (e.g. the public https origin when a proxy rewrites the Host header).
    OWNERGRAPH_CSRF_SECRET: keys proxy users' CSRF tokens (random per process if unset).
    OWNERGRAPH_TOKEN_CACHE_SECONDS: how long a checked token is remembered (default 5;
        a revoked token may work that long on a server that just saw it; 0: never).
"""

from __future__ import annotations

import secrets

from flask import Flask

from . import guard, throttle, tokens, views
from .guard import csrf_token, current_principal


def init_app(app: Flask) -> None:
    app.config.setdefault("OWNERGRAPH_ANONYMOUS_READ", False)
    app.config.setdefault("OWNERGRAPH_CSRF_SECRET", secrets.token_hex(32))
    app.config.setdefault("OWNERGRAPH_TOKEN_CACHE_SECONDS", 5)
    app.extensions["ownergraph.failed_logins"] = throttle.FailedLogins()
    app.extensions["ownergraph.token_cache"] = tokens.TokenCache(float(app.config["OWNERGRAPH_TOKEN_CACHE_SECONDS"]))
    guard.init_app(app)
    app.register_blueprint(views.bp)
    app.add_template_global(csrf_token, "csrf_token")
    app.add_template_global(current_principal, "current_principal")


__all__ = ["init_app", "current_principal", "csrf_token"]
