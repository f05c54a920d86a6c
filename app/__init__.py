"""The web layer: an app factory, one blueprint per concern, errors mapped in one place."""

from __future__ import annotations

from typing import Any

from flask import Flask

from graph_model.store import StoreConfig

from . import errors, storage


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app.

    Args:
        config: Flask settings; ``OWNERGRAPH_STORE_CONFIG`` (a ``StoreConfig``) chooses the
            store, else it comes from the environment. ``OWNERGRAPH_STORE_OBJECT`` hands in
            an open store (tests, the CLI's ``demo``) that the app will not close.
    """
    app = Flask(__name__)
    app.config.update(JSON_SORT_KEYS=False, MAX_CONTENT_LENGTH=32 * 1024 * 1024)
    if config:
        app.config.update(config)
    app.config.setdefault("OWNERGRAPH_STORE_CONFIG", StoreConfig.from_env())
    storage.init_app(app)
    errors.init_app(app)
    import importlib
    for module in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(f"app.{module}").bp)
    return app


# one blueprint per concern (module app/<name>.py exposing ``bp``)
BLUEPRINTS: list[str] = ["api", "api_incident", "dashboard", "console", "api_analysis"]
