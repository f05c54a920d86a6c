"""The dashboard's incident records: the incident page's playbook, "Open incident", the
open record with its timeline, append and resolve forms (session + CSRF), the artifact
page's incident and knowledge lists, and knowledge found by the home page's search."""

from __future__ import annotations

import re

from graph_model.ingest import manifest, parse
from graph_model.services import incident_records
from app.access import passwords

from .test_access import make_client, org  # noqa: F401  (the shared catalog fixture)

EVIL = "<img src=x onerror=alert(1)>"


def _csrf(client, url) -> str:
    return re.search(r'name="csrf-token" content="([0-9a-f]+)"', client.get(url).get_data(as_text=True)).group(1)


def _logged_in(store, person="di"):
    passwords.set_password(store, person, "correct horse battery", actor="test")
    c = make_client(store)
    c.post("/login", data={"person": person, "password": "correct horse battery"})
    return c


def test_open_append_and_resolve_from_the_incident_page(org):  # noqa: F811
    manifest.ingest(org, parse.validate({"kind_playbooks": {"deployment": {
        "rollback": "error rate above 2%", "channel": "#deploys", "failure_modes": [EVIL]}}}), actor="test")
    c = _logged_in(org)
    url = "/incident/deploy/churn-api"
    page = c.get(url).get_data(as_text=True)
    assert 'id="open-incident-form"' in page and 'id="no-open-records"' in page
    assert 'id="pb-rollback">error rate above 2%' in page and "(kind:deployment)" in page
    assert EVIL not in page and "&lt;img src=x" in page
    assert page.index('id="incident-records"') < page.index('id="page-list"')   # at the top
    token = _csrf(c, url)
    r = c.post("/incidents/open", data={"artifact": "deploy/churn-api", "title": f"5xx {EVIL}",
                                        "severity": "sev1", "version": "", "csrf_token": token})
    assert r.status_code == 302 and "record=opened" in r.headers["Location"]
    [rec] = incident_records.open_of(org, "deploy/churn-api")
    assert rec["opened_by"] == "di" and rec["severity"] == "sev1"
    r = c.post(f"/incidents/{rec['id']}/timeline", data={"type": "decision", "text": "roll back",
                                                         "csrf_token": token})
    assert r.status_code == 302
    page = c.get(url).get_data(as_text=True)
    assert f'id="{rec["id"]}"' in page and "roll back" in page and EVIL not in page
    assert c.post(f"/incidents/{rec['id']}/resolve", data={"postmortem": "https://wiki.example.com/pm/1"}
                  ).status_code == 403                                  # no CSRF token
    r = c.post(f"/incidents/{rec['id']}/resolve", data={"postmortem": "https://wiki.example.com/pm/1",
                                                        "csrf_token": token})
    assert r.status_code == 302 and incident_records.get(org, rec["id"])["status"] == "resolved"
    page = c.get(url).get_data(as_text=True)
    assert 'id="no-open-records"' in page
    # the artifact pages of everything it touched list it
    for uid, role in (("deploy/churn-api", "failing"), ("raw/events", "upstream")):
        page = c.get(f"/artifact/{uid}").get_data(as_text=True)
        assert rec["id"] in page and f"<td>{role}</td>" in page, uid
    page = c.get("/artifact/deploy/churn-api").get_data(as_text=True)
    assert "https://wiki.example.com/pm/1" in page and 'id="knowledge"' in page


def test_forms_are_offered_only_to_a_logged_in_writer(org):  # noqa: F811
    c = make_client(org, OWNERGRAPH_ANONYMOUS_READ=True)
    page = c.get("/incident/deploy/churn-api").get_data(as_text=True)
    assert 'id="incident-records"' in page and 'id="open-incident-form"' not in page
    assert 'id="no-playbook"' in page
    r = c.post("/incidents/open", data={"artifact": "deploy/churn-api", "title": "x", "severity": "sev1"})
    assert r.status_code == 302 and "/login" in r.headers["Location"]       # pages send you to log in
    assert incident_records.listing(org) == []


def test_bad_form_input_names_the_field(org):  # noqa: F811
    c = _logged_in(org)
    token = _csrf(c, "/incident/deploy/churn-api")
    r = c.post("/incidents/open", data={"artifact": "deploy/churn-api", "title": "", "severity": "sev1",
                                        "csrf_token": token})
    assert r.status_code == 400 and "title" in r.get_data(as_text=True)
    assert incident_records.listing(org) == []


def test_knowledge_is_attached_on_the_artifact_page_and_found_by_search(org):  # noqa: F811
    c = _logged_in(org)
    token = _csrf(c, "/artifact/models/churn")
    r = c.post("/knowledge/add", data={"artifact": "models/churn", "kind": "howto", "title": "Retraining the churn model",
                                       "url": "https://wiki.example.com/howto/retrain", "csrf_token": token})
    assert r.status_code == 302
    assert "Retraining the churn model" in c.get("/artifact/models/churn").get_data(as_text=True)
    page = c.get("/?q=retraining").get_data(as_text=True)
    assert 'id="knowledge-results"' in page and "https://wiki.example.com/howto/retrain" in page
    assert 'id="knowledge-results"' not in c.get("/?q=zzz-nothing").get_data(as_text=True)
