"""Ownership review on both engines: review-by dates, confirmation by the owner only,
overdue listing, and the artifact page."""

from __future__ import annotations

import re

from graph_model.ingest import manifest, parse
from graph_model.services import reviews
from graph_model.services.write_path import now_ms
from tests.conftest import issue_token
from tests.manifests import small

from .test_access import make_client

DAY = 86_400_000


def test_review_by_overdue_and_confirm(store):
    long_ago = now_ms() - 200 * DAY
    manifest.ingest(store, parse.validate(small()), actor="test", at=long_ago)
    manifest.ingest(store, parse.validate({"artifacts": [{"uid": "raw/events", "kind": "dataset", "owner": "di"}]}),
                    actor="test")                     # a new owner: a new review period
    c = make_client(store, OWNERGRAPH_ANONYMOUS_READ=True)
    late = c.get("/api/v1/reviews/overdue").get_json()
    assert late["review_days"] == 180
    assert [(r["uid"], r["owner"]) for r in late["overdue"]] == [
        ("deploy/churn-api", "bo"), ("features/user", "di"), ("models/churn", "ana")]
    assert all(r["overdue"] for r in late["overdue"])
    ana = {"Authorization": "Bearer " + issue_token(store, "ana", ["write"], name="ana-w")}
    bo = {"Authorization": "Bearer " + issue_token(store, "bo", ["write"], name="bo-w")}
    r = c.post("/api/v1/reviews/confirm", json={"artifact": "models/churn"}, headers=bo)   # steward, not owner
    assert r.status_code == 403 and "only ana" in r.get_json()["error"]
    r = c.post("/api/v1/reviews/confirm", json={"artifact": "models/churn"}, headers=ana)
    assert r.status_code == 200 and r.get_json()["overdue"] is False
    assert r.get_json()["review_by"][:10] == reviews.from_epoch_ms(now_ms() + 180 * DAY)[:10]
    assert "models/churn" not in {x["uid"] for x in c.get("/api/v1/reviews/overdue").get_json()["overdue"]}
    events = store.read("audit_events_for_targets", targets=["models/churn"])
    assert events[-1]["action"] == "ownership.confirm" and events[-1]["actor"].startswith("person:ana token:ana-w")
    assert c.post("/api/v1/reviews/confirm", json={"artifact": "models/none"}, headers=ana).status_code == 404
    assert c.post("/api/v1/reviews/confirm", json={}, headers=ana).status_code == 400
    assert reviews.overdue_uids(store.read, ["models/churn", "features/user", "raw/events"], now_ms()) == \
        {"features/user"}
    page = c.get("/artifact/features/user").get_data(as_text=True)
    assert 'id="review-overdue"' in page and 'id="review-form"' not in page
    assert 'id="review-overdue"' not in c.get("/artifact/models/churn").get_data(as_text=True)


def test_the_owner_confirms_from_the_artifact_page(store):
    from app.access import passwords
    manifest.ingest(store, parse.validate(small()), actor="test", at=now_ms() - 200 * DAY)
    passwords.set_password(store, "ana", "correct horse battery", actor="test")
    c = make_client(store)
    c.post("/login", data={"person": "ana", "password": "correct horse battery"})
    page = c.get("/artifact/models/churn").get_data(as_text=True)
    assert 'id="review-overdue"' in page and 'id="review-form"' in page
    token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page).group(1)
    r = c.post("/review-confirm", data={"uid": "models/churn", "csrf_token": token})
    assert r.status_code == 302
    assert 'id="review-overdue"' not in c.get("/artifact/models/churn").get_data(as_text=True)
    assert c.post("/review-confirm", data={"uid": "deploy/churn-api", "csrf_token": token}).status_code == 403
