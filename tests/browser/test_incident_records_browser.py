"""An incident record in real headless Chromium: a responder who does not own the failing
deployment logs in, sees its playbook at the top of the incident page, opens an incident,
appends a note and resolves it with a postmortem; the artifact pages of the deployment
and of its upstream list it, and the search box finds the postmortem."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def responder(loaded):
    """A person with no rights on anything (any active person with write may record), and
    a playbook for the probe deployment's team."""
    from app.access import passwords
    from graph_model.ingest import manifest, parse
    store, _ = loaded
    manifest.ingest(store, parse.validate({
        "people": [{"id": "inc-responder", "name": "Inc Responder"}],
        "teams": [{"id": "evil-team", "name": "<img src=x onerror=alert(1)>",
                   "playbook": {"rollback": "error rate above 2% for 10 minutes", "channel": "#evil-incidents",
                                "failure_modes": ["<script>alert(2)</script>"]}}]}), actor="test")
    passwords.set_password(store, "inc-responder", PASSWORD, actor="test")
    return store


def test_open_append_and_resolve_an_incident(page, responder):
    from graph_model.services import incident_records
    page.goto("/login")
    page.fill("#person", "inc-responder")
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#whoami")

    page.goto("/incident/deploy/evil-consumer")
    assert page.locator("#pb-rollback").inner_text().startswith("error rate above 2% for 10 minutes")
    assert page.locator("#pb-channel").inner_text().startswith("#evil-incidents")
    assert "<script>alert(2)</script>" in page.locator("#pb-failure-modes").inner_text()   # shown as text
    assert page.locator("#no-open-records").count() == 1
    page.fill("#incident-title", "evil-consumer answers 5xx")
    page.select_option("#incident-severity", "sev1")
    page.click("#open-incident-form button[type=submit]")
    assert page.locator("#record-status").inner_text() == "Incident record opened"
    [rec] = incident_records.open_of(responder, "deploy/evil-consumer")
    article = page.locator(f"article#{rec['id']}")
    assert "evil-consumer answers 5xx" in article.locator(".record-title").inner_text()
    assert rec["opened_by"] == "inc-responder" and rec["severity"] == "sev1"
    assert "models/evil-consumer" in rec["touched"]

    article.locator(".append-form select").select_option("note")
    article.locator(".entry-text").fill("rolled back to the previous model")
    article.locator(".append-form button[type=submit]").click()
    assert page.locator("#record-status").inner_text() == "Incident record noted"
    timeline = page.locator(f"article#{rec['id']} ol.timeline").inner_text()
    assert "rolled back to the previous model" in timeline and "inc-responder" in timeline

    article = page.locator(f"article#{rec['id']}")
    article.locator(".postmortem").fill("https://wiki.example.com/postmortems/evil-consumer")
    article.locator(".summary").fill("bad model version")
    article.locator(".resolve-form button[type=submit]").click()
    assert page.locator("#record-status").inner_text() == "Incident record resolved"
    assert page.locator(f"article#{rec['id']}").count() == 0 and page.locator("#no-open-records").count() == 1
    done = incident_records.get(responder, rec["id"])
    assert done["status"] == "resolved" and [e["type"] for e in done["timeline"]] == ["note"]

    for uid in ("deploy/evil-consumer", "models/evil-consumer"):
        page.goto(f"/artifact/{uid}")
        assert rec["id"] in page.locator("#incidents").inner_text(), uid
    page.goto("/artifact/deploy/evil-consumer")
    assert "Postmortem: evil-consumer answers 5xx" in page.locator("#knowledge").inner_text()
    page.goto("/?q=postmortems/evil")
    assert "Postmortem: evil-consumer answers 5xx" in page.locator("#knowledge-results").inner_text()
    assert page.dialogs == []
