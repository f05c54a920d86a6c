"""One store per app, opened on first use and closed when the app is torn down.

Opening lazily lets the app start (and answer ``/healthz`` with 503) while the database
is down. The store is a ``RecoveringStore``: while the engine is down every request gets
a plain 503 at once, and it reconnects by itself (restarting the embedded server) when
the engine is back, without restarting the web process. The store object is
thread-safe (a driver / a connection pool), so requests share it.
"""

from __future__ import annotations

import atexit
import threading

from flask import Flask, current_app

from graph_model.store import GraphStore, open_recovering

_KEY = "ownergraph.store"
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    given = app.config.get("OWNERGRAPH_STORE_OBJECT")
    app.extensions[_KEY] = {"store": given, "owned": given is None}
    atexit.register(close_store, app)


def get_store() -> GraphStore:
    """The app's store (raises StoreUnavailable while the engine is down)."""
    slot = current_app.extensions[_KEY]
    if slot["store"] is None:
        with _lock:
            if slot["store"] is None:
                slot["store"] = open_recovering(current_app.config["OWNERGRAPH_STORE_CONFIG"])
    return slot["store"]


def close_store(app: Flask) -> None:
    slot = app.extensions.get(_KEY) or {}
    store = slot.get("store")
    if store is not None and slot.get("owned"):
        slot["store"] = None
        store.close()
