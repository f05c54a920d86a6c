"""The web faces: an app factory, one blueprint per concern, errors mapped in one place.

Packages: ``api`` (JSON under /api/v1), ``dashboard`` (pages and the console), ``access``
(tokens, sessions, CSRF; every request passes its check first); the command line
(``cli``) stands beside them and uses the app only to serve it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from graph_model.store import StoreConfig

from . import access, errors, reads_in_flight, storage
from .api import analysis as api_analysis
from .api import checks as api_checks
from .api import handoffs as api_handoffs
from .api import reviews as api_reviews
from .api import incident as api_incident
from .api import incident_records as api_incident_records
from .api import lineage as api_lineage
from .api import manifest as api_manifest
from .dashboard import audit_page, console, edit, governance, handoff_pages, incident_pages, pages


def close_lineage_queue(app: Flask) -> None:
    """Stop the lineage queue's writer, if the app has one (before its store is closed)."""
    api_lineage.close_queue(app)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app.

    Args:
        config: Flask settings; ``OWNERGRAPH_STORE_CONFIG`` (a ``StoreConfig``) chooses the
            store, else it comes from the environment. ``OWNERGRAPH_STORE_OBJECT`` hands in
            an open store (tests, the CLI's ``demo``) that the app will not close.
            ``OWNERGRAPH_LINEAGE_QUEUE`` (a directory) answers lineage feeds once their
            events are on disk (``app.api.lineage``; ``close_lineage_queue`` stops it).
            ``OWNERGRAPH_ANONYMOUS_READ`` and the other access settings are described in
            ``app.access``; by default every request needs a session or a token.
    """
    app = Flask(__name__)
    app.json.sort_keys = False  # answers keep the order services give them
    app.config.update(MAX_CONTENT_LENGTH=32 * 1024 * 1024)
    if config:
        app.config.update(config)
    app.config.setdefault("OWNERGRAPH_STORE_CONFIG", StoreConfig.from_env())
    storage.init_app(app)
    errors.init_app(app)
    reads_in_flight.init_app(app)
    access.init_app(app)
    for blueprint in (api_manifest.bp, api_incident.bp, api_analysis.bp, api_handoffs.bp, api_reviews.bp,
                      api_lineage.bp, api_incident_records.bp, pages.bp, console.bp, edit.bp, handoff_pages.bp, audit_page.bp,
                      incident_pages.bp, governance.bp, api_checks.bp):
        app.register_blueprint(blueprint)
    api_lineage.init_queue(app)
    return app
