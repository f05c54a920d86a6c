"""Dashboard sessions: a random cookie, stored hashed in the graph, ended by logout.

Server-side sessions (rather than a signed cookie holding the person) make logout real:
the cookie stops working everywhere at once, and a restart does not log anyone out. The
cookie is HttpOnly, SameSite=Lax, and Secure whenever the request came over https.

The CSRF token is derived from the session's secret (HMAC), so it needs no storage, is
different for every session, and cannot be computed without the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from flask import Request, Response

from graph_model.services.access import Principal
from graph_model.store.base import GraphStore, Plan, Statement

COOKIE = "ownergraph_session"
LIFETIME_MS = 12 * 3_600_000


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def csrf_for(secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), b"ownergraph csrf", hashlib.sha256).hexdigest()


def start(store: GraphStore, person: str, address: str | None) -> str:
    """Open a session for ``person``; returns the cookie value (its only copy)."""
    value = secrets.token_urlsafe(32)
    now = int(time.time() * 1000)
    store.write_unit(lambda reader: Plan([Statement("session_create", {
        "hash": _hash(value), "person": person, "at": now, "expires_at": now + LIFETIME_MS,
        "address": address})]))
    return value


def lookup(store: GraphStore, value: str, address: str | None) -> Principal | None:
    rows = store.read("session_by_hash", hash=_hash(value), now=int(time.time() * 1000))
    if not rows:
        return None
    return Principal(person=rows[0]["person"], scopes=frozenset({"read", "write", "lineage"}),
                     via="session", address=address)


def end(store: GraphStore, value: str) -> None:
    now = int(time.time() * 1000)
    store.write_unit(lambda reader: Plan([Statement("session_end", {"hash": _hash(value), "at": now})]))


def set_cookie(response: Response, request: Request, value: str) -> None:
    response.set_cookie(COOKIE, value, max_age=LIFETIME_MS // 1000, httponly=True, samesite="Lax",
                        secure=request.is_secure, path="/")


def clear_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax", secure=request.is_secure)
