"""Every dashboard page and the console through Flask's test client, on both backends:
status codes, escaping of injected names, HTML error pages, limits and refusals."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest

from graph_model.ingest import manifest, parse
from tests.helpers import counts
from tests.manifests import small

EVIL = "<img src=x onerror=alert(1)>"
EVIL_UID = f"evil/{EVIL}"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def graph_with_probe() -> dict:
    """The small catalog plus an injection attempt in every user-typed field, wired into
    lineage upstream of a failing deployment, and one artifact nobody owns."""
    m = small()
    m["people"].append({"id": "mallory", "name": EVIL, "email": "mallory@example.com"})
    m["teams"].append({"id": "evil-team", "name": EVIL, "members": ["mallory"], "escalation": ["mallory"]})
    m["artifacts"] += [
        {"uid": EVIL_UID, "kind": "dataset", "owner": "mallory", "team": "evil-team", "description": EVIL,
         "tags": [EVIL], "versions": [{"version": "1"}]},
        {"uid": "models/evil-consumer", "kind": "model", "owner": "ana", "stewards": ["mallory"],
         "team": "evil-team", "description": EVIL,
         "versions": [{"version": "1", "derived_from": [{"uid": f"{EVIL_UID}@1", "relation": "trained_on"}],
                       "hyperparameters": {EVIL: EVIL}}]},
        {"uid": "deploy/evil-consumer", "kind": "deployment", "owner": "mallory", "team": "evil-team",
         "versions": [{"version": "1", "derived_from": [{"uid": "models/evil-consumer@1", "relation": "deployed_from"}],
                       "deployment": {"status": "failing", "note": EVIL}}]},
        {"uid": "orphan/thing", "kind": "other", "versions": [{"version": "1"}]},
    ]
    return m


@pytest.fixture
def loaded(store):
    manifest.ingest(store, parse.validate(graph_with_probe()), actor="test")
    return store


def p(uid: str) -> str:
    return quote(uid, safe="/")


PAGES = [
    "/", "/?q=ana", "/?q=" + quote(EVIL),
    "/incident/deploy/churn-api", "/incident/deploy/evil-consumer", f"/incident/{p(EVIL_UID)}",
    "/artifact/models/churn", "/artifact/models/churn?version=1", f"/artifact/{p(EVIL_UID)}",
    "/artifact/models/evil-consumer", "/impact/raw/events", f"/impact/{p(EVIL_UID)}",
    "/team/data", "/team/evil-team", "/person/ana", "/person/cy", "/person/mallory",
    "/console", "/console?example=team_ownership",
]


def test_every_page_renders_and_escapes_injected_names(client, loaded):
    for url in PAGES:
        r = client.get(url)
        body = r.get_data(as_text=True)
        assert r.status_code == 200, (url, body[:500])
        assert r.mimetype == "text/html"
        assert "<img" not in body, url
        assert "Content-Security-Policy" in r.headers


def test_injected_names_are_shown_escaped(client, loaded):
    for url in ["/incident/deploy/evil-consumer", f"/artifact/{p(EVIL_UID)}", "/team/evil-team",
                "/person/mallory", "/?q=" + quote(EVIL)]:
        assert ESCAPED in client.get(url).get_data(as_text=True), url


def test_pages_load_no_asset_from_another_host(client, loaded):
    body = client.get("/incident/deploy/churn-api").get_data(as_text=True)
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', body)
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources)
    assert "/assets/vis-network/vis-network.min.js" in sources
    js = client.get("/assets/vis-network/vis-network.min.js")
    assert js.status_code == 200 and b"vis" in js.data[:2000]
    assert client.get("/assets/vis-network/..%2Fvis-network.min.js").status_code == 404


def test_incident_page_lists_page_order_and_graph_data(client, loaded):
    body = client.get("/incident/deploy/churn-api").get_data(as_text=True)
    order = re.findall(r'class="person" href="/person/([^"]+)"', body.split('id="page-list"')[1].split("</ol>")[0])
    assert order[0] == "bo"   # primary owner of the failing deployment pages first
    assert 'id="incident-graph"' in body and 'id="incident-graph-data"' in body
    assert "**Incident: deploy/churn\\-api**" in body   # the Markdown summary, escaped for Markdown


def test_incident_as_of_version_and_depth(client, loaded):
    r = client.get("/incident/models/churn?version=1&depth=1&as_of=2030-01-01T00:00")
    assert r.status_code == 200
    assert "models/churn@1" in r.get_data(as_text=True)
    assert client.get("/incident/models/churn?depth=0").status_code == 400
    assert client.get("/incident/models/churn?as_of=yesterday").status_code == 400
    assert client.get("/incident/models/churn?version=99").status_code == 404


def test_truncated_walk_and_collapsed_graph_are_announced(store):
    manifest.ingest(store, parse.validate(graph_with_probe()), actor="test")
    from app import create_app
    client = create_app({"TESTING": True, "OWNERGRAPH_STORE_OBJECT": store, "OWNERGRAPH_ANONYMOUS_READ": True,
                         "OWNERGRAPH_GRAPH_NODE_CAP": 2}).test_client()
    body = client.get("/incident/deploy/churn-api?depth=1").get_data(as_text=True)
    assert "data-truncated" in body and "depth limit 1" in body
    body = client.get("/incident/deploy/churn-api").get_data(as_text=True)
    assert "data-collapsed" in body and "Every artifact is listed in the table below" in body


@pytest.mark.parametrize("url", ["/artifact/nope/x", "/incident/nope/x", "/impact/nope/x",
                                 f"/artifact/{p('nope/' + EVIL)}", "/team/nope", "/person/nope"])
def test_unknown_ids_get_an_html_404(client, loaded, url):
    r = client.get(url)
    assert r.status_code == 404 and r.mimetype == "text/html"
    body = r.get_data(as_text=True)
    assert "Not found" in body and "<img" not in body


def test_api_errors_stay_json(client, loaded):
    r = client.get("/api/v1/artifact?uid=nope/x")
    assert r.status_code == 404 and r.is_json


def test_console_page_runs_reads_and_refuses_writes(client, loaded):
    r = client.post("/console", data={"query": "MATCH (a:Artifact {uid: $uid}) RETURN a.uid AS uid, a",
                                      "params": '{"uid": "%s"}' % EVIL_UID})
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="console-result"' in body and ESCAPED in body and "<img" not in body
    assert 'id="console-graph-data"' in body
    before = counts(loaded)
    r = client.post("/console", data={"query": "CREATE (n:Intruder) RETURN n", "params": ""})
    assert r.status_code == 403 and "read-only" in r.get_data(as_text=True)
    assert counts(loaded) == before
    r = client.post("/console", data={"query": "MATCH (n RETURN n", "params": ""})
    assert r.status_code == 400 and 'id="console-error"' in r.get_data(as_text=True)
    r = client.post("/console", data={"query": "RETURN 1", "params": "[1, 2]"})
    assert r.status_code == 400


def test_console_api(client, loaded):
    r = client.post("/api/v1/cypher", json={"query": "MATCH (a:Artifact {uid: $uid}) RETURN a.kind AS kind",
                                            "params": {"uid": "models/churn"}})
    assert r.status_code == 200
    assert r.json["columns"] == ["kind"] and r.json["rows"] == [["model"]]
    assert r.json["truncated"] is False and r.json["row_cap"] == 1000
    before = counts(loaded)
    for write in ["CREATE (n:Intruder) RETURN n", "MATCH (a:Artifact) SET a.kind = 'x' RETURN a",
                  "MATCH (a:Artifact) DETACH DELETE a", "MERGE (n:Intruder {id: 1}) RETURN n"]:
        r = client.post("/api/v1/cypher", json={"query": write})
        assert r.status_code == 403, write
        assert "read-only" in r.json["error"]
    assert counts(loaded) == before
    assert client.post("/api/v1/cypher", json={"query": "MATCH (n RETURN n"}).status_code == 400
    assert client.post("/api/v1/cypher", json={"params": {}}).status_code == 400
    assert client.post("/api/v1/cypher", json={"query": "RETURN 1", "params": [1]}).status_code == 400
    assert client.post("/api/v1/cypher", data="not json", content_type="application/json").status_code == 400
    r = client.post("/api/v1/cypher", data="not json", content_type="text/plain")
    assert r.status_code == 415 and "application/json" in r.json["error"]


def test_console_row_cap_is_configurable_and_announced(store):
    from app import create_app
    store.ensure_schema()
    client = create_app({"TESTING": True, "OWNERGRAPH_STORE_OBJECT": store, "OWNERGRAPH_ANONYMOUS_READ": True,
                         "OWNERGRAPH_CONSOLE_ROW_CAP": 3}).test_client()
    r = client.post("/api/v1/cypher", json={"query": "UNWIND range(1, 10) AS i RETURN i"})
    assert r.json["rows"] == [[1], [2], [3]] and r.json["truncated"] is True and r.json["row_cap"] == 3
    body = client.post("/console", data={"query": "UNWIND range(1, 10) AS i RETURN i"}).get_data(as_text=True)
    assert 'id="row-cap-hit"' in body and "only the first 3 rows" in body


def test_openapi_lists_the_cypher_endpoint(client, loaded):
    doc = client.get("/api/v1/openapi.json").json
    assert "post" in doc["paths"]["/api/v1/cypher"]


# '.' and '..' segments are refused at validation (docs/manifest.md), so none here
AWKWARD = ["odd/a?b#c%d&e=f", "odd/back\\slash", "odd/trail/", "odd/sp ace/x y", "odd/..x/.y"]


def test_awkward_uids_get_working_links(client, store):
    manifest.ingest(store, parse.validate({"artifacts": [
        {"uid": u, "kind": "dataset", "versions": [{"version": "1"}]} for u in AWKWARD]}), actor="test")
    body = client.get("/?q=odd").get_data(as_text=True)
    hrefs = dict((html.unescape(text), html.unescape(href))
                 for href, text in re.findall(r'<a class="art" href="([^"]+)">([^<]+)</a>', body))
    assert set(hrefs) == set(AWKWARD)
    for uid, href in hrefs.items():
        assert href.startswith("/artifact/") and "?" not in href
        page = client.get(href)
        assert page.status_code == 200, (uid, href)
        assert f"<h1>{html.escape(uid, quote=False)}</h1>" in page.get_data(as_text=True)
        for view in ("incident", "impact"):
            assert client.get(href.replace("/artifact", "/" + view, 1)).status_code == 200
    assert client.get("/artifact").status_code == 400


def test_unreachable_store_gives_an_html_503_page():
    from app import create_app
    from graph_model.store import StoreConfig
    app = create_app({"TESTING": True, "OWNERGRAPH_ANONYMOUS_READ": True, "OWNERGRAPH_STORE_CONFIG": StoreConfig(
        backend="neo4j", neo4j_uri="bolt://127.0.0.1:9", neo4j_password="x")})
    client = app.test_client()
    for url in ["/", "/incident/deploy/x", "/console"]:
        r = client.get(url) if url != "/console" else client.post(url, data={"query": "RETURN 1"})
        body = r.get_data(as_text=True)
        assert r.status_code == 503 and r.mimetype == "text/html", url
        assert "Graph store unavailable" in body and "Traceback" not in body
    r = client.post("/api/v1/cypher", json={"query": "RETURN 1"})
    assert r.status_code == 503 and r.is_json
