"""The OpenLineage endpoints on both engines: the JSON API directly (201, batch count, gzip,
4xx with paths and nothing written), and the real ``openlineage-python`` client's
``HttpTransport`` posting over HTTP to the app served on loopback."""

from __future__ import annotations

import gzip
import json
import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from graph_model.ingest import manifest, ol_events, parse
from graph_model.services import artifacts, lineage_view
from tests.lineage_corpus import CLEAN, J_CLEAN, MANIFEST, R1, corpus


def audit_seq(store):
    return int(store.read("audit_head")[0]["seq"])


def feed_token(store, scopes=("lineage",)) -> str:
    """A service token of the feed's own person (created for it), as a pipeline holds one."""
    from tests.conftest import issue_token
    manifest.ingest(store, parse.validate({"people": [{"id": "feed.bot", "name": "Feed Bot"}]}),
                    actor="tester")
    return issue_token(store, "feed.bot", list(scopes), name=f"feed-{'-'.join(scopes)}")


@pytest.fixture
def client(app, store):
    """A client sending a ``lineage``-scoped token (the only scope the feed needs)."""
    c = app.test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + feed_token(store)
    return c


def test_lineage_needs_a_token_with_the_lineage_scope(app, store):
    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")
    reader = app.test_client()
    reader.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + feed_token(store, ("read", "write"))
    before = audit_seq(store)
    anonymous = app.test_client().post("/api/v1/lineage", json=corpus()[0])
    assert anonymous.status_code == 401 and "Bearer" in anonymous.headers["WWW-Authenticate"]
    refused = reader.post("/api/v1/lineage", json=corpus()[0])
    assert refused.status_code == 403 and "lineage" in refused.get_json()["error"]
    assert audit_seq(store) == before and store.read("count_artifacts")[0]["n"] == len(MANIFEST["artifacts"])


def test_one_event_is_201_and_a_retry_changes_nothing(client, store):
    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")
    first = client.post("/api/v1/lineage", json=corpus()[0])
    assert first.status_code == 201
    assert first.get_json()["changed"] is True
    again = client.post("/api/v1/lineage", json=corpus()[0])
    assert again.status_code == 201 and again.get_json()["changed"] is False
    events = [e for e in store.read("audit_events_for_targets", targets=[J_CLEAN])]
    assert events and {e["actor"] for e in events} == {"person:feed.bot token:feed-lineage from:127.0.0.1"}


def test_batch_is_answered_with_a_count_and_gzip_is_read(client, store):
    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")
    body = gzip.compress(json.dumps(corpus()).encode())
    r = client.post("/api/v1/lineage/batch", data=body,
                    headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["received"] == len(corpus()) and r.get_json()["changed"] is True
    assert sorted(v["version"] for v in artifacts.show(store, CLEAN)["versions"])[0] == R1
    r = client.post("/api/v1/lineage/batch", json=corpus())
    assert r.get_json() == {"received": len(corpus()), "queued": False, "changed": False, "counts": {},
                            "audit_events": 0, "first_seq": None, "last_seq": None}


@pytest.mark.parametrize("body, headers, path", [
    (b"", {}, "body"),
    (b"not json", {}, "body"),
    (b"\xff\xfe", {}, "body"),
    (b'{"eventTime": "2026-11-20T10:00:00Z", "producer": "p", "run": {"runId": "x"}, '
     b'"job": {"namespace": "n"}}', {}, "run.runId"),
    (b'{"eventTime": NaN, "producer": "p"}', {}, "eventTime"),
    (b'{"eventTime": "2026-11-20", "eventTime": "2026-11-21", "producer": "p"}', {}, "eventTime"),
    (b"[" * 200 + b"]" * 200, {}, "[0][0]"),
    (b"not gzip", {"Content-Encoding": "gzip"}, "body"),
    (b"{}", {"Content-Encoding": "br"}, "body"),
    (b"[]", {}, ""),
    (b'{"eventTime": "2026-11-20T10:00:00Z", "producer": "p", "dataset": {"namespace": "n", "name": "d"}, '
     b'"outputs": 5}', {}, "outputs"),
])
def test_malformed_events_are_4xx_with_paths_and_write_nothing(client, store, body, headers, path):
    before = audit_seq(store)   # the feed's person and token only
    r = client.post("/api/v1/lineage", data=body, headers={"Content-Type": "application/json", **headers})
    assert r.status_code == 400, r.data
    problems = r.get_json()["problems"]
    assert any(p["path"].startswith(path) for p in problems), problems
    assert store.read("count_artifacts")[0]["n"] == 0 and audit_seq(store) == before


def test_a_body_that_is_not_json_by_its_content_type_is_415_and_writes_nothing(client, store):
    before = audit_seq(store)
    r = client.post("/api/v1/lineage", data=json.dumps(corpus()[0]), headers={"Content-Type": "text/plain"})
    assert r.status_code == 415 and "application/json" in r.get_json()["error"]
    assert store.read("count_artifacts")[0]["n"] == 0 and audit_seq(store) == before


def test_a_gzip_bomb_is_refused_within_the_bound(client, store):
    bomb = gzip.compress(b"[" + b" " * (ol_events.MAX_BODY + 10) + b"]")
    assert len(bomb) < 100_000
    r = client.post("/api/v1/lineage/batch", data=bomb,
                    headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert r.status_code == 400
    assert "decompressed" in r.get_json()["problems"][0]["message"]


def test_a_bad_event_in_a_batch_fails_the_whole_batch(client, store):
    events = corpus()
    events[5]["eventType"] = "FINISHED"
    r = client.post("/api/v1/lineage/batch", json=events)
    assert r.status_code == 400
    assert [p["path"] for p in r.get_json()["problems"]] == ["[5].eventType"]
    assert store.read("count_artifacts")[0]["n"] == 0


@pytest.fixture
def served(app):
    """The app served by waitress on a loopback port, in a thread, for the test only."""
    from flask import request
    from waitress import create_server
    seen = app.config.setdefault("SEEN_HEADERS", [])
    app.before_request(lambda: seen.append((request.path, request.headers.get("Authorization"),
                                            request.headers.get("Content-Encoding"))) and None)
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=10)


def test_the_openlineage_python_client_posts_to_the_served_app(served, store, app):
    from openlineage.client import OpenLineageClient
    from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
    from openlineage.client.facet_v2 import (error_message_run, ownership_job, schema_dataset,
                                             source_code_location_job, sql_job)
    from openlineage.client.transport.http import (ApiKeyTokenProvider, HttpCompression, HttpConfig,
                                                   HttpTransport)

    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")
    key = feed_token(store)
    config = HttpConfig(url=served, auth=ApiKeyTokenProvider({"api_key": key}),
                        compression=HttpCompression.GZIP, timeout=10.0, retry={"total": 0})
    client = OpenLineageClient(transport=HttpTransport(config))
    run_id = str(uuid.uuid4())
    failed_id = str(uuid.uuid4())
    t0 = datetime.now(timezone.utc) - timedelta(hours=1)
    job = Job(namespace="food_delivery", name="etl.py_client", facets={
        "sql": sql_job.SQLJobFacet(query="SELECT 1"),
        "ownership": ownership_job.OwnershipJobFacet(owners=[ownership_job.Owner(name="user:ana")]),
        "sourceCodeLocation": source_code_location_job.SourceCodeLocationJobFacet(
            type="git", url="https://git.example.com/food/etl", version="abcdef1234567")})
    inputs = [InputDataset(namespace="postgres://food-db:5432", name="public.orders")]
    outputs = [OutputDataset(namespace="s3://food-lake", name="py/out", facets={
        "schema": schema_dataset.SchemaDatasetFacet(fields=[
            schema_dataset.SchemaDatasetFacetFields(name="id", type="bigint")])})]
    for state, minutes, rid, facets in [
            (RunState.START, 0, run_id, {}), (RunState.COMPLETE, 5, run_id, {}),
            (RunState.START, 10, failed_id, {}),
            (RunState.FAIL, 12, failed_id, {"errorMessage": error_message_run.ErrorMessageRunFacet(
                message="boom", programmingLanguage="python")})]:
        client.emit(RunEvent(eventType=state, eventTime=(t0 + timedelta(minutes=minutes)).isoformat(),
                             run=Run(runId=rid, facets=facets), job=job, inputs=inputs, outputs=outputs))
    # the client's api_key arrives as a bearer token, which the access layer checks
    assert app.config["SEEN_HEADERS"] == [("/api/v1/lineage", f"Bearer {key}", "gzip")] * 4
    out_uid = "s3-food-lake-869fb4d6/py/out"
    card = artifacts.show(store, out_uid)
    assert [v["version"] for v in card["versions"]] == [run_id]
    assert card["lineage"]["schema"] == [{"name": "id", "type": "bigint"}]
    job_card = artifacts.show(store, "food_delivery/etl.py_client")
    assert job_card["owner"]["id"] == "ana"
    assert job_card["lineage"]["sql"] == "SELECT 1"
    states = {r["id"]: (r["status"], r["error_message"]) for r in lineage_view.runs(store, "food_delivery/etl.py_client")}
    assert states == {run_id: ("completed", None), failed_id: ("failed", "boom")}
