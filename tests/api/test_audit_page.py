"""The /audit page on both engines: filters, field-level changes, verification state."""

from __future__ import annotations

import json
import re

from graph_model.ingest import manifest, parse
from tests.conftest import issue_token, raw_write

from .test_access import make_client, org  # noqa: F401


def _seqs(body: str) -> list[int]:
    return [int(s) for s in re.findall(r'<tr data-seq="(\d+)">', body)]


def test_filters_changes_and_verification(org):  # noqa: F811
    c = make_client(org, OWNERGRAPH_ANONYMOUS_READ=True)
    ana = issue_token(org, "ana", ["write"], name="ana-w")
    r = c.post("/api/v1/manifest", headers={"Authorization": f"Bearer {ana}"}, content_type="application/json",
               data=json.dumps({"artifacts": [{"uid": "models/churn", "kind": "model", "description": "<b>new</b>",
                                               "versions": [{"version": "3"}]}]}))
    assert r.status_code == 200
    first, last = r.get_json()["first_seq"], r.get_json()["last_seq"]
    body = c.get("/audit?actor=person:ana").get_data(as_text=True)
    assert _seqs(body) == list(range(last, first - 1, -1))
    assert "person:ana token:ana-w from:127.0.0.1" in body
    assert '"Predicts churn"</code> &rarr; <code>"\\u003cb\\u003enew' in body   # old -> new, escaped
    assert "<b>new</b>" not in body
    body = c.get("/audit?target=models/churn").get_data(as_text=True)
    assert {"artifact.update", "version.create", "artifact.create"} <= set(re.findall(r"<td>([a-z_]+\.[a-z_]+)</td>", body))
    assert _seqs(c.get("/audit?until=2000-01-01").get_data(as_text=True)) == []
    assert len(_seqs(c.get("/audit?since=2000-01-01&limit=3").get_data(as_text=True))) == 3
    assert c.get("/audit?since=yesterday").status_code == 400
    body = c.get("/audit?verify=1").get_data(as_text=True)
    assert 'data-ok="1"' in body and f"Chain intact: {last} events" in body
    raw_write(org, "MATCH (e:AuditEvent {seq: 2}) SET e.actor = 'someone else'")
    body = c.get("/audit?verify=1").get_data(as_text=True)
    assert 'data-ok="0"' in body and "Chain broken at event 2" in body


def test_the_audit_page_needs_read_access(org):  # noqa: F811
    assert make_client(org).get("/audit").status_code == 302
