"""Access in real headless Chromium: log in, change what you own, be refused on what you
do not, and the cross-origin repro of issue 9 (a page on another local origin posting a
manifest with ``mode: "no-cors"`` and ``text/plain``) refused while the victim is logged in.

Two origins on loopback: the app's server (from conftest) and a second server on another
port that serves only the attacker's page.
"""

from __future__ import annotations

import threading

import pytest

from tests.helpers import owners

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def accounts(loaded):
    """A person owning acl/mine (team acl-team), and acl/theirs owned by someone else."""
    from app.access import passwords
    from graph_model.ingest import manifest, parse
    store, _ = loaded
    manifest.ingest(store, parse.validate({
        "people": [{"id": "acl-owner", "name": "Acl Owner"}, {"id": "acl-other", "name": "Acl Other"},
                   {"id": "acl-heir", "name": "Acl Heir"}],
        "teams": [{"id": "acl-team", "name": "Acl Team", "members": ["acl-owner"]},
                  {"id": "acl-else", "name": "Acl Else", "members": ["acl-other"]}],
        "artifacts": [{"uid": "acl/mine", "kind": "model", "owner": "acl-owner", "team": "acl-team",
                       "description": "before", "versions": [{"version": "1"}]},
                      {"uid": "acl/theirs", "kind": "model", "owner": "acl-other", "team": "acl-else",
                       "description": "theirs", "versions": [{"version": "1"}]},
                      {"uid": "acl/handed", "kind": "dataset", "owner": "acl-owner", "team": "acl-team",
                       "versions": [{"version": "1"}]}]}), actor="test")
    passwords.set_password(store, "acl-owner", PASSWORD, actor="test")
    passwords.set_password(store, "acl-heir", PASSWORD, actor="test")
    return store


@pytest.fixture
def evil_origin():
    """A second origin on loopback serving the attacker's page, which targets the app."""
    from werkzeug.serving import make_server
    from werkzeug.wrappers import Request, Response

    pages: dict[str, str] = {}

    @Request.application
    def app(request):
        return Response(pages.get(request.path, "not here"), mimetype="text/html")

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", pages
    httpd.shutdown()
    thread.join(timeout=5)


def description(store, uid):
    return store.read("artifacts_by_uids", uids=[uid])[0]["description"]


def log_in(page, person=None, password=PASSWORD):
    page.goto("/login")
    page.fill("#person", person or "acl-owner")
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")


def test_log_in_change_an_owned_artifact_and_be_refused_on_another(page, accounts):
    log_in(page, password="not the password")
    assert page.locator("#login-error").inner_text() == "Unknown person or wrong password."
    log_in(page)
    page.wait_for_selector("#whoami")
    assert page.locator("#whoami").inner_text() == "acl-owner"
    page.goto("/artifact/acl/mine")
    page.click("#edit-artifact summary")
    page.fill("#edit-description", "changed in the browser")
    page.click("#edit-form button[type=submit]")
    page.wait_for_selector("#saved")
    assert page.locator("#description").inner_text() == "changed in the browser"
    assert description(accounts, "acl/mine") == "changed in the browser"

    page.goto("/artifact/acl/theirs")
    assert page.locator("#edit-form").count() == 0 and page.locator("#not-yours").is_visible()
    status = page.evaluate("""async () => {
        const token = document.querySelector('meta[name=csrf-token]').content;
        const r = await fetch('/api/v1/manifest', {method: 'POST', headers: {
            'Content-Type': 'application/json', 'X-CSRF-Token': token},
            body: JSON.stringify({artifacts: [{uid: 'acl/theirs', kind: 'model', description: 'mine now'}]})});
        return [r.status, (await r.json()).problems[0].path];
    }""")
    assert status == [403, "artifacts[0]"]
    assert description(accounts, "acl/theirs") == "theirs"

    page.click("#logout")
    page.wait_for_selector("#login-form")
    page.goto("/artifact/acl/mine")
    assert page.locator("#login-link").is_visible() and page.locator("#edit-form").count() == 0


def test_the_cross_origin_repro_is_refused_even_for_a_logged_in_owner(page, accounts, server, evil_origin):
    evil_base, pages = evil_origin
    target = f"{server}/api/v1/manifest"
    body = "artifacts:\\n- {uid: acl/mine, kind: model, owner: acl-other}\\n"
    pages["/"] = f"""<!doctype html><title>loading</title>
<form id="f" method="post" action="{target}" enctype="text/plain" target="sink">
  <input name="artifacts:&#10;- {{uid: acl/mine, kind: model, owner: acl-other, x: " value="}}&#10;">
</form><iframe name="sink"></iframe>
<script>
  const body = "{body}";
  Promise.allSettled([
    // the request from the issue, exactly
    fetch("{target}", {{method: "POST", mode: "no-cors", headers: {{"Content-Type": "text/plain"}}, body}}),
    // the same with the victim's cookies
    fetch("{target}", {{method: "POST", mode: "no-cors", credentials: "include",
                        headers: {{"Content-Type": "text/plain"}}, body}}),
    // a YAML type needs a CORS preflight, which the app never grants
    fetch("{target}", {{method: "POST", credentials: "include",
                        headers: {{"Content-Type": "application/yaml"}}, body}}),
  ]).then(() => {{
    document.getElementById("f").submit();   // a plain form post carries cookies too
    setTimeout(() => {{ document.title = "done"; }}, 1500);
  }});
</script>"""
    log_in(page)
    page.wait_for_selector("#whoami")
    before_seq = accounts.read("audit_head")[0]["seq"]
    page.goto(evil_base + "/")
    page.wait_for_function("document.title === 'done'", timeout=15_000)
    assert owners(accounts, "acl/mine")["primary"] == {"acl-owner"}
    assert accounts.read("audit_head")[0]["seq"] == before_seq
    # the same session, from the app's own origin, is allowed: the refusal was the origin
    page.goto("/artifact/acl/mine")
    status = page.evaluate("""async () => {
        const token = document.querySelector('meta[name=csrf-token]').content;
        const r = await fetch('/api/v1/manifest', {method: 'POST', headers: {
            'Content-Type': 'application/yaml', 'X-CSRF-Token': token},
            body: 'artifacts:\\n- {uid: acl/mine, kind: model, stewards: [acl-other]}\\n'});
        return r.status;
    }""")
    assert status == 200 and owners(accounts, "acl/mine")["steward"] == {"acl-other"}


def test_open_a_handoff_and_the_receiver_accepts_it(page, accounts):
    log_in(page)
    page.wait_for_selector("#whoami")
    page.goto("/artifact/acl/handed")
    page.click("#handoff-open summary")
    page.fill("#handoff-to", "acl-heir")
    page.fill("#handoff-reason", "moving teams")
    page.click("#handoff-form button[type=submit]")
    assert page.locator("#handoff-status").inner_text() == "Handoff opened"
    page.click("#logout")
    page.wait_for_selector("#login-form")

    log_in(page, "acl-heir")
    page.wait_for_selector("#whoami")
    page.click("#whoami")                       # their own person page
    form = page.locator("#handoffs form.handoff")
    assert form.count() == 1 and "acl/handed" in form.inner_text()
    boxes = form.locator("input[type=checkbox]")
    for i in range(boxes.count() - 1):          # one item left unticked: refused
        boxes.nth(i).check()
    form.locator("button", has_text="Accept").click()
    assert "must be checked" in page.content()
    assert owners(accounts, "acl/handed")["primary"] == {"acl-owner"}
    page.go_back()
    page.reload()
    form = page.locator("#handoffs form.handoff")
    for i in range(form.locator("input[type=checkbox]").count()):
        form.locator("input[type=checkbox]").nth(i).check()
    form.locator("button", has_text="Accept").click()
    assert page.locator("#handoff-status").inner_text() == "Handoff accepted"
    assert owners(accounts, "acl/handed")["primary"] == {"acl-heir"}
    page.goto("/person/acl-heir")
    assert page.locator("#handoffs form.handoff").count() == 0
