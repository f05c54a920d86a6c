"""Recorded reviews over the API and on the artifact page (the rules themselves are
tested on both engines in tests/contract/test_recorded_reviews.py)."""

from __future__ import annotations

from tests.conftest import issue_token

from .test_access import make_client, org  # noqa: F401  (the shared catalog fixture)


def _as(store, person, scopes=("read", "write")):
    return {"Authorization": "Bearer " + issue_token(store, person, list(scopes), name=f"{person}-{len(scopes)}")}


def test_record_list_and_page(org):  # noqa: F811
    c = make_client(org)
    ana = _as(org, "ana")
    body = {"artifact": "models/churn", "version": "2", "kind": "drift", "outcome": "fail",
            "link": "https://reviews.example.com/churn", "notes": "<b>PSI</b> 0.3 on tenure"}
    r = c.post("/api/v1/reviews", json=body, headers=ana)
    assert r.status_code == 201, r.get_json()
    got = r.get_json()
    assert got["id"].startswith("rv-") and got["by"] == "ana" and got["outcome"] == "fail"
    listed = c.get("/api/v1/reviews?artifact=models/churn", headers=ana).get_json()
    assert listed["artifact"] == "models/churn" and [x["id"] for x in listed["reviews"]] == [got["id"]]
    page = c.get("/artifact/models/churn", headers=ana).get_data(as_text=True)
    assert 'id="recorded-reviews"' in page and "&lt;b&gt;PSI&lt;/b&gt;" in page and "<b>PSI</b>" not in page
    assert 'href="https://reviews.example.com/churn"' in page


def test_refusals(org):  # noqa: F811
    c = make_client(org)
    di, ana = _as(org, "di"), _as(org, "ana")
    ok = {"artifact": "models/churn", "kind": "drift", "outcome": "pass"}
    assert c.post("/api/v1/reviews", json=ok).status_code == 401
    r = c.post("/api/v1/reviews", json=ok, headers=di)
    assert r.status_code == 403 and "models/churn" in r.get_json()["error"]
    r = c.post("/api/v1/reviews", json=dict(ok, kind="vibes", outcome="ok", link="ftp://x"), headers=ana)
    assert r.status_code == 400
    assert {p["path"] for p in r.get_json()["problems"]} == {"kind", "outcome", "link"}
    r = c.post("/api/v1/reviews", json=dict(ok, version="9"), headers=ana)
    assert r.status_code == 404 and "version '9'" in r.get_json()["error"]
    assert c.post("/api/v1/reviews", json=dict(ok, artifact="models/none"), headers=ana).status_code == 404
    assert c.get("/api/v1/reviews?artifact=models/none", headers=ana).status_code == 404
    assert c.get("/api/v1/reviews?artifact=models/churn", headers=ana).get_json()["reviews"] == []
    # the ownership-review endpoints are still there
    assert c.get("/api/v1/reviews/overdue", headers=ana).status_code == 200
