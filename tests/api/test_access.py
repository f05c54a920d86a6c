"""Access over a real store of each backend: every 401 and 403 case, rights derived from
the graph, sessions with CSRF, cross-origin and content-type refusals, trusted proxy."""

from __future__ import annotations

import json
import re

import pytest

from app import create_app
from app.access import passwords, tokens
from graph_model.ingest import manifest, parse
from tests.conftest import issue_token, raw_write
from tests.helpers import owners
from tests.manifests import small

JSON = "application/json"


@pytest.fixture
def org(store):
    """The small catalog (ana owns models/churn with steward bo, team ml; cy (inactive)
    owns raw/events, team data; di owns features/user) and an admin, root."""
    m = small()
    m["people"].append({"id": "root", "name": "Root Admin"})
    manifest.ingest(store, parse.validate(m), actor="test")
    issue_token(store, "root", ["admin"], name="root-bootstrap")
    return store


def make_client(store, **config):
    """A client of an app that checks every token against the store (no remembering)."""
    return create_app({"TESTING": True, "OWNERGRAPH_STORE_OBJECT": store, "OWNERGRAPH_TOKEN_CACHE_SECONDS": 0,
                       **config}).test_client()


def bearer(token: str, **headers) -> dict:
    return {"Authorization": f"Bearer {token}", **headers}


def post(client, body: dict, token: str | None = None, **headers):
    h = bearer(token, **headers) if token else headers
    return client.post("/api/v1/manifest", data=json.dumps(body), content_type=JSON, headers=h)


def head_seq(store) -> int:
    return store.read("audit_head")[0]["seq"]


def description(store, uid: str):
    return store.read("artifacts_by_uids", uids=[uid])[0]["description"]


def actors(store, uid: str) -> list[str]:
    return [e["actor"] for e in store.read("audit_events_for_targets", targets=[uid])]


# -- 401 ---------------------------------------------------------------------------------

def test_without_a_credential_reads_are_401_and_pages_go_to_login(org):
    c = make_client(org)
    r = c.get("/api/v1/artifact?uid=models/churn")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == 'Bearer realm="ownergraph"'
    r = c.get("/incident/models/churn")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login?next=/incident/models/churn")
    assert c.get("/healthz").status_code == 200 and c.get("/login").status_code == 200
    r = post(c, {"artifacts": [{"uid": "models/churn", "kind": "model", "owner": "di"}]})
    assert r.status_code == 401 and "WWW-Authenticate" in r.headers
    assert owners(org, "models/churn")["primary"] == {"ana"}


def test_wrong_expired_and_revoked_tokens_are_401_saying_which(org):
    c = make_client(org)
    good = issue_token(org, "ana", ["read"], name="ana-read")
    assert c.get("/api/v1/artifact?uid=models/churn", headers=bearer(good)).status_code == 200
    cases = {
        "og_" + "A" * 43: "not valid",
        "ghp_somethingelse": "not an ownergraph token",
    }
    expiring = issue_token(org, "ana", ["read"], name="ana-exp", expires_days=1)
    raw_write(org, "MATCH (k:ApiToken {name: 'ana-exp'}) SET k.expires_at = 1")
    cases[expiring] = "ana-exp has expired"
    tokens.revoke(org, "ana-read", actor="test")
    cases[good] = "ana-read was revoked"
    for token, says in cases.items():
        r = c.get("/api/v1/artifact?uid=models/churn", headers=bearer(token))
        assert r.status_code == 401 and says in r.get_json()["error"], token
        challenge = r.headers["WWW-Authenticate"]
        assert challenge.startswith('Bearer realm="ownergraph", error="invalid_token"') and says in challenge
    r = c.get("/api/v1/artifact?uid=models/churn", headers={"Authorization": "Basic YW5hOng="})
    assert r.status_code == 401 and 'error="invalid_request"' in r.headers["WWW-Authenticate"]


def test_a_remembered_token_is_rechecked_after_the_cache_period(org):
    import time
    c = make_client(org, OWNERGRAPH_TOKEN_CACHE_SECONDS=0.5)
    token = issue_token(org, "ana", ["read"], name="ana-read")
    assert c.get("/api/v1/artifact?uid=models/churn", headers=bearer(token)).status_code == 200
    tokens.revoke(org, "ana-read", actor="test")
    assert c.get("/api/v1/artifact?uid=models/churn", headers=bearer(token)).status_code == 200  # remembered
    time.sleep(0.6)
    r = c.get("/api/v1/artifact?uid=models/churn", headers=bearer(token))
    assert r.status_code == 401 and "revoked" in r.get_json()["error"]


def test_token_use_is_recorded_and_listing_never_shows_the_secret(org):
    token = issue_token(org, "ana", ["read"], name="ana-read")
    assert make_client(org).get("/api/v1/artifact?uid=models/churn", headers=bearer(token)).status_code == 200
    row = next(r for r in tokens.listing(org) if r["name"] == "ana-read")
    assert row["last_used_at"] is not None and row["prefix"] == token[:11]
    assert token not in json.dumps(tokens.listing(org))
    stored = org.read("token_by_hash", hash=tokens.hash_token(token))
    assert stored and stored[0]["name"] == "ana-read"


# -- 403: scopes -------------------------------------------------------------------------

def test_a_scope_only_narrows(org):
    c = make_client(org)
    read_only = issue_token(org, "ana", ["read"])
    r = post(c, {"artifacts": [{"uid": "models/churn", "kind": "model", "description": "x"}]}, read_only)
    assert r.status_code == 403 and "'write' or 'lineage'" in r.get_json()["error"]
    feed = issue_token(org, "ana", ["lineage"], name="ana-feed")
    r = c.get("/api/v1/artifact?uid=models/churn", headers=bearer(feed))
    assert r.status_code == 403 and "'read' scope" in r.get_json()["error"]
    r = post(c, {"artifacts": [{"uid": "models/churn", "kind": "model", "description": "x"}]}, feed)
    assert r.status_code == 403
    assert r.get_json()["problems"] == [{"path": "artifacts[0]", "message": r.get_json()["problems"][0]["message"]}]
    assert "'write' scope" in r.get_json()["problems"][0]["message"]
    r = post(c, {"artifacts": [{"uid": "models/churn", "kind": "model", "versions": [
        {"version": "3", "derived_from": [{"uid": "features/user@1", "relation": "trained_on"}]}]}]}, feed)
    assert r.status_code == 200 and r.get_json()["counts"] == {"version.create": 1}
    # an admin acting through a token without the admin scope is not an admin
    root_write = issue_token(org, "root", ["read", "write"], name="root-write")
    r = post(c, {"artifacts": [{"uid": "raw/events", "kind": "dataset", "description": "x"}]}, root_write)
    assert r.status_code == 403 and description(org, "raw/events") is None


# -- 403: rights from the graph ----------------------------------------------------------

def test_owner_steward_and_team_member_may_change_and_are_recorded(org):
    c = make_client(org)
    ana = issue_token(org, "ana", ["write"], name="ana-w")
    bo = issue_token(org, "bo", ["write"], name="bo-w")
    di = issue_token(org, "di", ["write"], name="di-w")
    assert post(c, {"artifacts": [{"uid": "models/churn", "kind": "model", "description": "by ana"}]},
                ana).status_code == 200
    assert post(c, {"artifacts": [{"uid": "models/churn", "kind": "model", "stewards": ["bo", "di"]}]},
                bo).status_code == 200           # a steward
    assert post(c, {"artifacts": [{"uid": "raw/events", "kind": "dataset", "owner": "di"}]},
                di).status_code == 200           # a member of the accountable team (data)
    assert owners(org, "raw/events")["primary"] == {"di"}
    assert actors(org, "models/churn")[-1] == "person:bo token:bo-w from:127.0.0.1"
    assert "person:ana token:ana-w from:127.0.0.1" in actors(org, "models/churn")


def test_a_manifest_touching_anything_not_allowed_is_refused_whole_with_every_path(org):
    c = make_client(org)
    ana = issue_token(org, "ana", ["write"])
    before = head_seq(org)
    r = post(c, {"artifacts": [
        {"uid": "models/churn", "kind": "model", "description": "mine"},
        {"uid": "raw/events", "kind": "dataset", "owner": "ana"},
        {"uid": "features/user", "kind": "feature_set", "versions": [{"version": "2"}]},
        {"uid": "deploy/churn-api", "kind": "deployment"},   # mentioned, unchanged: fine
    ]}, ana)
    assert r.status_code == 403
    problems = r.get_json()["problems"]
    assert {p["path"] for p in problems} == {"artifacts[1]", "artifacts[2].versions[0]"}
    assert all("not its owner, a steward, or a member" in p["message"] for p in problems)
    assert head_seq(org) == before and description(org, "models/churn") == "Predicts churn"
    assert owners(org, "raw/events")["primary"] == {"cy"}


def test_creating_artifacts_is_for_namespaces_a_team_already_owns(org):
    c = make_client(org)
    ana = issue_token(org, "ana", ["write"])
    r = post(c, {"artifacts": [{"uid": "models/new", "kind": "model", "owner": "ana", "team": "ml",
                                "versions": [{"version": "1"}]}]}, ana)
    assert r.status_code == 200 and r.get_json()["counts"]["artifact.create"] == 1
    r = post(c, {"artifacts": [{"uid": "brandnew/x", "kind": "dataset"}]}, ana)
    assert r.status_code == 403 and "namespace 'brandnew'" in r.get_json()["problems"][0]["message"]
    root = issue_token(org, "root", ["write", "admin"], name="root-w")
    assert post(c, {"artifacts": [{"uid": "brandnew/x", "kind": "dataset"}]}, root).status_code == 200


def test_people_and_teams(org):
    c = make_client(org)
    ana = issue_token(org, "ana", ["write"])
    assert post(c, {"people": [{"id": "ana", "name": "Ana S."}]}, ana).status_code == 200
    r = post(c, {"people": [{"id": "bo", "name": "Bob"}, {"id": "eve", "name": "Eve"}]}, ana)
    assert r.status_code == 403 and {p["path"] for p in r.get_json()["problems"]} == {"people[0]", "people[1]"}
    assert post(c, {"teams": [{"id": "ml", "name": "ML Platform", "members": ["ana", "bo", "di"]}]},
                ana).status_code == 200   # a member edits their own team
    r = post(c, {"teams": [{"id": "data", "name": "Data", "members": ["ana"]}]}, ana)
    assert r.status_code == 403 and r.get_json()["problems"][0]["path"] == "teams[0]"
    r = post(c, {"teams": [{"id": "new-team", "name": "New"}]}, ana)
    assert r.status_code == 403
    root = issue_token(org, "root", ["write", "admin"], name="root-w")
    assert post(c, {"people": [{"id": "eve", "name": "Eve"}], "teams": [{"id": "new-team", "name": "New"}]},
                root).status_code == 200


def test_inactive_people_and_team_tokens(org):
    c = make_client(org)
    cy = issue_token(org, "cy", ["write"], name="cy-w")          # inactive, still primary owner
    r = post(c, {"artifacts": [{"uid": "raw/events", "kind": "dataset", "description": "x"}]}, cy)
    assert r.status_code == 403
    feed = tokens.create(org, person=None, team="data", scopes=["read", "write"], name="data-feed", actor="test").token
    assert post(c, {"artifacts": [{"uid": "raw/events", "kind": "dataset", "description": "x"}]},
                feed).status_code == 200
    assert actors(org, "raw/events")[-1] == "team:data token:data-feed from:127.0.0.1"
    r = post(c, {"artifacts": [{"uid": "models/churn", "kind": "model", "description": "x"}]}, feed)
    assert r.status_code == 403


# -- cross-site --------------------------------------------------------------------------

def test_cross_origin_writes_and_foreign_bodies_are_refused(org):
    c = make_client(org)
    ana = issue_token(org, "ana", ["write"])
    change = {"artifacts": [{"uid": "models/churn", "kind": "model", "owner": "di"}]}
    before = head_seq(org)
    for headers in ({"Origin": "http://127.0.0.1:9999"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"}):
        r = post(c, change, ana, **headers)
        assert r.status_code == 403 and "cross-origin" in r.get_json()["error"], headers
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        r = c.post("/api/v1/manifest", data="artifacts:\n- {uid: models/churn, kind: model, owner: di}\n",
                   content_type=ctype, headers=bearer(ana))
        assert r.status_code == 415 and "JSON or YAML" in r.get_json()["error"], ctype
    assert head_seq(org) == before and owners(org, "models/churn")["primary"] == {"ana"}
    assert post(c, change, ana, Origin="http://localhost", **{"Sec-Fetch-Site": "same-origin"}).status_code == 200
    r = c.post("/api/v1/manifest", data="artifacts:\n- {uid: models/churn, kind: model, owner: ana}\n",
               content_type="application/yaml", headers=bearer(ana))
    assert r.status_code == 200


# -- sessions ----------------------------------------------------------------------------

def _csrf(client, url="/") -> str:
    return re.search(r'name="csrf-token" content="([0-9a-f]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_login_session_csrf_and_logout(org):
    passwords.set_password(org, "ana", "correct horse battery", actor="test")
    c = make_client(org)
    r = c.post("/login", data={"person": "ana", "password": "wrong password"})
    assert r.status_code == 401 and "wrong password" in r.get_data(as_text=True)
    r = c.post("/login", data={"person": "ana", "password": "correct horse battery", "next": "//evil.example/"})
    assert r.status_code == 302 and r.headers["Location"] == "/"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    page = c.get("/artifact/models/churn").get_data(as_text=True)
    assert 'id="whoami"' in page and ">ana<" in page
    change = {"artifacts": [{"uid": "models/churn", "kind": "model", "description": "via the dashboard"}]}
    r = post(c, change)
    assert r.status_code == 403 and "CSRF" in r.get_json()["error"]
    r = post(c, change, **{"X-CSRF-Token": "0" * 64})
    assert r.status_code == 403
    r = post(c, change, **{"X-CSRF-Token": _csrf(c)})
    assert r.status_code == 200 and description(org, "models/churn") == "via the dashboard"
    assert actors(org, "models/churn")[-1] == "person:ana session from:127.0.0.1"
    r = post(c, {"artifacts": [{"uid": "raw/events", "kind": "dataset", "owner": "ana"}]},
             **{"X-CSRF-Token": _csrf(c)})
    assert r.status_code == 403
    session_cookie = c.get_cookie("ownergraph_session").value
    assert c.post("/logout", data={}).status_code == 403          # logout needs the CSRF token too
    r = c.post("/logout", data={"csrf_token": _csrf(c)})
    assert r.status_code == 302 and c.get_cookie("ownergraph_session") is None
    c.set_cookie("ownergraph_session", session_cookie)             # the old cookie no longer works
    assert c.get("/api/v1/artifact?uid=models/churn").status_code == 401


def test_session_cookie_is_secure_over_https(org):
    passwords.set_password(org, "ana", "correct horse battery", actor="test")
    c = make_client(org)
    r = c.post("/login", data={"person": "ana", "password": "correct horse battery"}, base_url="https://localhost")
    assert r.status_code == 302 and "Secure" in r.headers["Set-Cookie"]


def test_failed_logins_are_bounded_per_account_and_address(org):
    passwords.set_password(org, "ana", "correct horse battery", actor="test")
    c = make_client(org)
    for _ in range(5):
        assert c.post("/login", data={"person": "ana", "password": "nope nope"}).status_code == 401
    r = c.post("/login", data={"person": "ana", "password": "correct horse battery"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    other = make_client(org)
    for i in range(20):
        r = other.post("/login", data={"person": f"nobody{i}", "password": "nope nope"},
                       environ_base={"REMOTE_ADDR": "10.9.9.9"})
        assert r.status_code == 401
    r = other.post("/login", data={"person": "bo", "password": "whatever"}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert r.status_code == 429
    passwords.set_password(org, "bo", "another good one", actor="test")
    r = other.post("/login", data={"person": "bo", "password": "another good one"},
                   environ_base={"REMOTE_ADDR": "10.9.9.8"})
    assert r.status_code == 302


def test_login_for_unknown_inactive_or_passwordless_people_fails(org):
    passwords.set_password(org, "cy", "correct horse battery", actor="test")
    c = make_client(org)
    for person in ("cy", "bo", "nobody"):   # inactive, no password, unknown
        r = c.post("/login", data={"person": person, "password": "correct horse battery"})
        assert r.status_code == 401, person


# -- modes -------------------------------------------------------------------------------

def test_anonymous_read_modes(org):
    assert make_client(org, OWNERGRAPH_ANONYMOUS_READ=True).get("/api/v1/artifact?uid=models/churn").status_code == 200
    loop = make_client(org, OWNERGRAPH_ANONYMOUS_READ="loopback")
    assert loop.get("/api/v1/artifact?uid=models/churn").status_code == 200
    r = loop.get("/api/v1/artifact?uid=models/churn", environ_base={"REMOTE_ADDR": "192.0.2.4"})
    assert r.status_code == 401
    r = post(make_client(org, OWNERGRAPH_ANONYMOUS_READ=True),
             {"artifacts": [{"uid": "models/churn", "kind": "model", "owner": "di"}]})
    assert r.status_code == 401


def test_trusted_proxy_mode(org):
    off = make_client(org)
    assert off.get("/api/v1/artifact?uid=models/churn", headers={"X-Forwarded-User": "ana"}).status_code == 401
    c = make_client(org, OWNERGRAPH_TRUSTED_PROXY_HEADER="X-Forwarded-User")
    h = {"X-Forwarded-User": "ana"}
    assert c.get("/api/v1/artifact?uid=models/churn", headers=h).status_code == 200
    r = c.get("/api/v1/artifact?uid=models/churn", headers=h, environ_base={"REMOTE_ADDR": "192.0.2.4"})
    assert r.status_code == 401   # the header from anywhere but the proxy is not believed
    assert c.get("/", headers={"X-Forwarded-User": "cy"}).status_code == 302    # inactive
    change = {"artifacts": [{"uid": "models/churn", "kind": "model", "description": "via sso"}]}
    assert post(c, change, **h).status_code == 403                  # CSRF needed, as for a session
    token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', c.get("/", headers=h).get_data(as_text=True)).group(1)
    assert post(c, change, **h, **{"X-CSRF-Token": token}).status_code == 200
    assert actors(org, "models/churn")[-1] == "person:ana proxy from:127.0.0.1"


def test_dashboard_edit_form_uses_the_same_rights(org):
    passwords.set_password(org, "ana", "correct horse battery", actor="test")
    c = make_client(org)
    assert 'id="edit-form"' not in c.get("/login").get_data(as_text=True)
    c.post("/login", data={"person": "ana", "password": "correct horse battery"})
    page = c.get("/artifact/models/churn").get_data(as_text=True)
    assert 'id="edit-form"' in page
    token = _csrf(c, "/artifact/models/churn")
    r = c.post("/artifact-edit", data={"uid": "models/churn", "description": "edited", "csrf_token": token})
    assert r.status_code == 302 and description(org, "models/churn") == "edited"
    page = c.get("/artifact/raw/events").get_data(as_text=True)
    assert 'id="edit-form"' not in page and 'id="not-yours"' in page
    r = c.post("/artifact-edit", data={"uid": "raw/events", "description": "mine now", "csrf_token": token})
    assert r.status_code == 403 and r.mimetype == "text/html" and description(org, "raw/events") is None
    r = c.post("/artifact-edit", data={"uid": "models/churn", "description": "no token"})
    assert r.status_code == 403 and description(org, "models/churn") == "edited"
