"""The console as an analyst uses it, in real headless Chromium: the Cypher editor
(highlighting, bracket matching, completion from the graph's own names), the query
history kept across reloads, the result views, the downloads, EXPLAIN, and the page
still working with JavaScript off."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def set_query(page, text: str) -> None:
    """Type into the editor as a person would paste: the editor writes the form field."""
    page.fill("#console-form .cm-content", text)


def run(page) -> None:
    page.click("#run")
    page.wait_for_load_state("domcontentloaded")


def test_editor_highlights_and_matches_brackets(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.goto("/console?example=owners_upstream_of_model")
    page.wait_for_selector("#console-form .cm-editor")
    assert page.locator("#query").is_hidden()
    keywords = page.locator("#console-form .cm-content .tok-keyword").all_inner_texts()
    assert "MATCH" in [k.upper() for k in keywords] and "RETURN" in [k.upper() for k in keywords]
    assert page.locator("#console-form .cm-content .tok-string, #console-form .cm-content .tok-atom").count() >= 1
    # the cursor after an opening bracket marks it and its partner
    set_query(page, "MATCH (a:Artifact) RETURN a")
    page.click("#console-form .cm-content")
    page.keyboard.press("Control+Home")
    for _ in range(len("MATCH (")):
        page.keyboard.press("ArrowRight")
    assert page.locator("#console-form .cm-matchingBracket").count() == 2
    set_query(page, "MATCH (a:Artifact RETURN a")
    page.keyboard.press("Control+Home")
    for _ in range(len("MATCH (")):
        page.keyboard.press("ArrowRight")
    assert page.locator("#console-form .cm-nonmatchingBracket").count() >= 1
    assert errors == []   # no script error, no content-security-policy refusal


def test_completion_offers_the_graphs_labels_types_and_keys(page, loaded):
    store, _ = loaded
    labels = {r["label"] for r in store.read("schema_labels")}
    page.goto("/console")
    page.wait_for_selector("#console-form .cm-editor")
    page.click("#console-form .cm-content")
    page.keyboard.type("MATCH (a:Art")
    options = page.locator(".cm-tooltip-autocomplete li .cm-completionLabel")
    options.first.wait_for(timeout=5_000)
    offered = options.all_inner_texts()
    assert "Artifact" in offered
    page.wait_for_timeout(150)   # the editor takes Enter for a completion only after 75 ms (a typed Enter stays a newline)
    page.keyboard.press("Enter")
    assert "MATCH (a:Artifact" in page.input_value("#query")
    # inside a relationship pattern the graph's relationship types are offered, not labels
    page.keyboard.press("End")
    page.keyboard.type("<-[o:OW")
    options.first.wait_for(timeout=5_000)
    offered = options.all_inner_texts()
    assert "OWNS" in offered and "Artifact" not in offered
    page.keyboard.press("Escape")
    # after a dot, the property keys the graph holds
    page.keyboard.press("End")
    page.keyboard.type(" RETURN a.ki")
    options.first.wait_for(timeout=5_000)
    assert "kind" in options.all_inner_texts()
    # the names come from the store: exactly the labels this graph holds, none it lacks
    from graph_model import graph_doc
    absent = set(graph_doc.LABELS) - labels
    # close the property-key list first: otherwise its stale options are read as the new ones
    page.keyboard.press("Escape")
    page.locator(".cm-tooltip-autocomplete").wait_for(state="hidden", timeout=5_000)
    set_query(page, "MATCH (x:")
    page.keyboard.press("End")
    page.keyboard.press("Control+Space")
    options.filter(has_text="Artifact").first.wait_for(timeout=5_000)
    offered = options.all_inner_texts()
    assert set(offered) == labels and not absent & set(offered)


def test_schema_panel_lists_counts_and_inserts_names(page, loaded):
    store, _ = loaded
    counts = {r["label"]: r["count"] for r in store.read("schema_labels")}
    page.goto("/console")
    item = page.locator("#schema-labels li", has_text="Artifact").first
    assert f"{counts['Artifact']:,}" in item.inner_text()
    set_query(page, "MATCH (a")
    page.keyboard.press("End")
    item.locator("button").click()
    assert page.input_value("#query") == "MATCH (a:Artifact"


def test_history_persists_across_reloads_and_refills_the_editor(page):
    page.goto("/console")
    assert page.locator("#history-panel").is_hidden()
    set_query(page, "MATCH (p:Person) RETURN p.id AS person ORDER BY person LIMIT 3")
    run(page)
    page.wait_for_selector("#console-result")
    page.goto("/console")
    first = page.locator("#history-list li .history-item").first
    assert first.inner_text().startswith("MATCH (p:Person) RETURN p.id AS person")
    set_query(page, "RETURN 1")
    first.click()
    assert page.input_value("#query") == "MATCH (p:Person) RETURN p.id AS person ORDER BY person LIMIT 3"
    assert "MATCH (p:Person)" in page.locator("#console-form .cm-content").inner_text()
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('ownergraph.console.history'))")
    assert len(stored) == 1 and stored[0]["query"].startswith("MATCH (p:Person)")
    page.click("#history-clear")
    assert page.locator("#history-panel").is_hidden()


def test_history_is_bounded(page):
    page.goto("/console")
    size = int(page.get_attribute("#console-script", "data-history-size"))
    page.evaluate("""(n) => localStorage.setItem('ownergraph.console.history', JSON.stringify(
        Array.from({length: n}, (_, i) => ({query: 'RETURN ' + i, params: '', at: Date.now() - i}))))""", size)
    page.reload()
    set_query(page, "RETURN 'newest' AS x")
    run(page)
    page.wait_for_selector("#console-result")
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('ownergraph.console.history'))")
    assert len(stored) == size and stored[0]["query"] == "RETURN 'newest' AS x"
    assert stored[-1]["query"] == f"RETURN {size - 2}"


def test_table_graph_and_json_views(page, loaded):
    _, facts = loaded
    page.goto("/console?example=team_ownership")
    page.fill("#params", '{"team": "evil-team"}')
    run(page)
    page.wait_for_selector("#console-graph[data-ready='1'] canvas", timeout=15_000)
    result = page.locator("#console-result")
    assert result.get_attribute("data-active-view") == "graph"
    page.click(".views [data-view=table]")
    assert page.locator("table.results").is_visible() and page.locator("#console-graph").is_hidden()
    page.click(".views [data-view=json]")
    assert page.locator("#console-json").is_visible() and page.locator("table.results").is_hidden()
    records = json.loads(page.locator("#console-json").inner_text())
    assert records and set(records[0]) == {"t", "m", "p", "o", "a"}
    assert records[0]["t"]["properties"]["id"] == "evil-team"
    page.click(".views [data-view=graph]")
    assert page.locator("#console-graph").is_visible()
    box = page.locator("#console-graph canvas").bounding_box()
    assert box["width"] > 200 and box["height"] > 200
    assert page.dialogs == []


def test_csv_and_json_downloads_of_the_capped_result(page):
    page.goto("/console")
    set_query(page, "UNWIND range(1, 3) AS i RETURN i, '=1+' + toString(i) AS formula, "
                    "'@SUM(A1)' AS at, '-2+3' AS minus, '+x' AS plus, 'a,\"b\"' AS quoted, null AS nothing")
    run(page)
    page.wait_for_selector("#console-result")
    with page.expect_download() as info:
        page.click("#download-csv")
    text = open(info.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["i", "formula", "at", "minus", "plus", "quoted", "nothing"]
    assert rows[1] == ["1", "'=1+1", "'@SUM(A1)", "'-2+3", "'+x", 'a,"b"', ""]
    assert len(rows) == 4
    with page.expect_download() as info:
        page.click("#download-json")
    data = json.loads(open(info.value.path(), encoding="utf-8").read())
    assert data[2] == {"i": 3, "formula": "=1+3", "at": "@SUM(A1)", "minus": "-2+3", "plus": "+x",
                       "quoted": 'a,"b"', "nothing": None}
    # the download is the capped result, never more than the row cap
    set_query(page, "UNWIND range(1, 5000) AS i RETURN i")
    run(page)
    page.wait_for_selector("#row-cap-hit")
    with page.expect_download() as info:
        page.click("#download-json")
    data = json.loads(open(info.value.path(), encoding="utf-8").read())
    assert len(data) == 1000 and data[-1] == {"i": 1000}


def test_explain_shows_the_plan_and_refuses_a_write(page, loaded):
    store, _ = loaded
    page.goto("/console")
    set_query(page, "EXPLAIN MATCH (a:Artifact {uid: $uid}) RETURN a.kind")
    page.fill("#params", '{"uid": "models/x"}')
    run(page)
    plan = page.locator("#console-plan")
    plan.wait_for()
    assert plan.is_visible() and "Artifact" in plan.inner_text()
    assert page.locator("#console-result").get_attribute("data-active-view") == "plan"
    set_query(page, "EXPLAIN CREATE (:Intruder {name: 'x'})")
    page.fill("#params", "")
    run(page)
    refusal = page.locator("#console-refused")
    assert refusal.is_visible() and "read-only" in refusal.inner_text()
    assert not any(r["label"] == "Intruder" for r in store.read("count_nodes"))


def test_the_page_works_without_javascript(browser, server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/console")
        assert page.locator("#query").is_visible() and page.locator(".cm-editor").count() == 0
        page.fill("#query", "MATCH (t:Team) RETURN t.id AS team ORDER BY team LIMIT 2")
        page.click("#run")
        page.wait_for_selector("#console-result")
        assert page.locator("table.results tbody tr").count() == 2
        assert page.locator("#schema-labels li").count() >= 5
    finally:
        context.close()


def test_graph_model_page_lists_every_label_and_runs_a_worked_query(page):
    from graph_model import graph_doc
    page.goto("/console")
    page.click("nav >> text=Graph model")
    page.wait_for_selector("#model-labels")
    model = graph_doc.model()
    for e in model["labels"]:
        assert page.locator(f"#label-{e.name}").count() == 1
    for e in model["types"]:
        assert page.locator(f"#type-{e.name}").count() == 1
    assert page.locator("#model-queries pre.worked").count() == 10
    page.locator("#model-queries a.run-example").first.click()
    page.wait_for_selector("#console-form .cm-editor")
    run(page)
    page.wait_for_selector("#console-result")
    assert page.locator("table.results tbody tr").count() >= 1


def test_ctrl_enter_in_the_editor_runs_the_query_once(page):
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto("/console")
    set_query(page, "MATCH (t:Team) RETURN t.id AS team ORDER BY team LIMIT 1")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#console-result")
    page.wait_for_load_state("networkidle")
    assert len(posts) == 1 and posts[0].endswith("/console")
    assert page.input_value("#query") == "MATCH (t:Team) RETURN t.id AS team ORDER BY team LIMIT 1"
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('ownergraph.console.history'))")
    assert stored[0]["query"] == "MATCH (t:Team) RETURN t.id AS team ORDER BY team LIMIT 1"
