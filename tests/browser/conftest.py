"""A real server and a real headless Chromium for the pages people use in an incident.

The app runs in a werkzeug server thread on 127.0.0.1 (random port) over the embedded
FalkorDB with the demo organisation loaded, plus one artifact, person and team whose
names are an HTML injection attempt. Chromium is Debian's, driven by Playwright through
``executable_path``; without either, these tests skip with one reason.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
EVIL = "<img src=x onerror=alert(1)>"
EVIL_UID = f"evil/{EVIL}"
DEMO_SIZE = 200
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the skip below says why
    sync_playwright = None


def _skip_reason() -> str | None:
    if sync_playwright is None:
        return "playwright is not installed"
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM}"
    return None


def evil_manifest(owner: str, upstream_model_version: str) -> dict:
    """An injection attempt in every user-typed field, wired into lineage so it shows on
    the incident graph, in tooltips, in page-list reasons, and on team and person pages."""
    return {
        "reason": "injection probe",
        "people": [{"id": "mallory", "name": EVIL, "email": "mallory@example.com"}],
        "teams": [{"id": "evil-team", "name": EVIL, "members": ["mallory"], "escalation": ["mallory"]}],
        "artifacts": [
            {"uid": EVIL_UID, "kind": "dataset", "owner": "mallory", "team": "evil-team",
             "description": EVIL, "tags": [EVIL], "versions": [{"version": "1"}]},
            {"uid": "models/evil-consumer", "kind": "model", "owner": owner, "stewards": ["mallory"],
             "team": "evil-team", "description": EVIL,
             "versions": [{"version": "1", "derived_from": [{"uid": f"{EVIL_UID}@1", "relation": "trained_on"},
                                                            {"uid": upstream_model_version, "relation": "input"}],
                           "hyperparameters": {EVIL: EVIL}, "metrics": {"auc": 0.5}}]},
            {"uid": "deploy/evil-consumer", "kind": "deployment", "owner": "mallory", "team": "evil-team",
             "versions": [{"version": "1", "derived_from": [{"uid": "models/evil-consumer@1",
                                                             "relation": "deployed_from"}],
                           "deployment": {"status": "failing", "note": EVIL}}]},
        ],
    }


@pytest.fixture(scope="session")
def loaded(falkordb_socket):
    """A FalkorDB graph with the demo organisation (or a hand-built one) and the probe."""
    from graph_model.ingest import bulk, manifest, parse
    from graph_model.store.falkordb_store import FalkorDBStore
    store = FalkorDBStore(socket_path=falkordb_socket, graph=f"browser_{uuid.uuid4().hex[:10]}")
    store.ensure_schema()
    try:
        from graph_model import demo
        bulk.ingest_chunks(store, demo.iter_demo_chunks(size=DEMO_SIZE, seed=7), actor="demo")
        f = demo.demo_facts(size=DEMO_SIZE, seed=7)
        facts = {"failing": f.failing_deployment, "model": f.failing_model, "person": f.sole_owner}
    except ImportError:
        from tests.manifests import small
        manifest.ingest(store, parse.validate(small()), actor="test")
        facts = {"failing": "deploy/churn-api", "model": "models/churn", "person": "ana"}
    model_version = store.read("artifact_versions", uid=facts["model"])[0]["uid"]
    manifest.ingest(store, parse.validate(evil_manifest(facts["person"], model_version)), actor="test")
    facts["person_name"] = store.read("people_by_ids", ids=[facts["person"]])[0]["name"]
    yield store, facts
    store.clear()
    store.close()


@pytest.fixture(scope="session")
def server(loaded):
    """The app on a real HTTP server in a thread; yields its base URL."""
    from werkzeug.serving import make_server
    from app import create_app
    store, _ = loaded
    app = create_app({"OWNERGRAPH_STORE_OBJECT": store, "OWNERGRAPH_ANONYMOUS_READ": True})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@contextmanager
def dialog_page(browser, base_url: str):
    """A fresh 1440x900 page on ``base_url`` that records every dialog (none may ever open)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=base_url)
    pg = context.new_page()
    pg.dialogs = []

    def on_dialog(d):
        pg.dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def page(browser, server):
    with dialog_page(browser, server) as pg:
        yield pg
