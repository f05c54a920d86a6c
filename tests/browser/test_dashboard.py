"""The incident dashboard and the console in real headless Chromium.

Each test drives the pages as a responder would; screenshots of the incident, hotspots
and console pages at 1440x900 land in docs/screenshots/.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .conftest import EVIL, EVIL_UID, SCREENSHOTS

pytestmark = pytest.mark.browser


def path_of(uid: str) -> str:
    return quote(uid, safe="/")


def wait_graph(page, graph_id: str) -> None:
    page.wait_for_selector(f"#{graph_id}[data-ready='1'] canvas", timeout=15_000)


def node_point(page, graph_id: str, node_id: str) -> dict:
    """Viewport coordinates of a node's centre on the canvas."""
    return page.evaluate(
        """([gid, nid]) => {
            const net = window.ownergraphNetworks[gid];
            const p = net.canvasToDOM(net.getPositions([nid])[nid]);
            const box = document.getElementById(gid).getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y};
        }""", [graph_id, node_id])


def hover_tooltip(page, graph_id: str, node_id: str):
    """Hover a node until its tooltip shows, and return the tooltip.

    One hover once missed on a loaded CI machine (no tooltip in 5 s on the console's
    graph); the cause was not reproduced here (the node's point stayed put under load),
    so each try reads the node's point again and hovers afresh, bounded to ten tries.
    """
    tip = page.locator("div.vis-tooltip")
    for _ in range(10):
        point = node_point(page, graph_id, node_id)
        page.mouse.move(point["x"] - 30, point["y"] - 30)
        page.mouse.move(point["x"], point["y"], steps=5)
        try:
            tip.wait_for(state="visible", timeout=1_500)
            return tip
        except PlaywrightTimeout:
            continue
    tip.wait_for(state="visible", timeout=1_500)
    return tip


def assert_local_assets_only(page) -> None:
    sources = page.eval_on_selector_all(
        "script[src], link[href][rel=stylesheet]", "els => els.map(e => e.getAttribute('src') || e.getAttribute('href'))")
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources), sources


def test_incident_page_shows_page_list_and_graph(page, loaded):
    _, facts = loaded
    page.goto(f"/incident/{path_of(facts['failing'])}")
    items = page.locator("#page-list ol.page > li")
    assert items.count() >= 2
    assert "primary owner of " + facts["failing"] in items.first.inner_text()
    wait_graph(page, "incident-graph")
    canvas = page.locator("#incident-graph canvas")
    assert canvas.is_visible()
    box = canvas.bounding_box()
    assert box["width"] > 400 and box["height"] > 250
    assert_local_assets_only(page)
    assert page.locator("#incident-md").input_value().startswith(f"**Incident: ")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "incident.png"))
    assert page.dialogs == []


def test_clicking_a_node_opens_its_artifact(page, loaded):
    _, facts = loaded
    page.goto(f"/incident/{path_of(facts['failing'])}")
    wait_graph(page, "incident-graph")
    page.locator("#incident-graph").scroll_into_view_if_needed()   # blocks above may push it below the fold
    point = node_point(page, "incident-graph", facts["model"])
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r".*/artifact/.*"), timeout=10_000)
    assert unquote(urlparse(page.url).path) == f"/artifact/{facts['model']}"
    assert page.locator("h1").inner_text() == facts["model"]


def test_search_finds_an_artifact_by_owner_name(page, loaded):
    store, facts = loaded
    owned = {r["uid"] for r in store.read("search_artifacts", q=facts["person_name"].lower(), limit=200)}
    assert owned, "the owner should own something"
    page.goto("/")
    page.fill("#search", facts["person_name"])
    page.wait_for_selector("#suggest .sugg", timeout=10_000)
    suggested = page.locator("#suggest .sugg .uid").all_inner_texts()
    assert suggested and set(suggested) <= owned
    page.press("#search", "Enter")
    page.wait_for_selector("#results")
    listed = page.locator("#results a.art").all_inner_texts()
    assert set(listed) == owned or (len(listed) == 50 and set(listed) <= owned)


def test_console_runs_a_read_query_and_refuses_a_write(page, loaded):
    store, facts = loaded
    page.goto("/console?example=lineage_paths_into_deployment")
    page.fill("#params", '{"deployment": "%s"}' % facts["failing"])
    page.click("#run")
    page.wait_for_selector("#console-result")
    assert page.locator("#console-result table.results tbody tr").count() >= 1
    wait_graph(page, "console-graph")
    page.screenshot(path=str(SCREENSHOTS / "console.png"))

    page.fill("#console-form .cm-content", "CREATE (n:Intruder {name: 'x'}) RETURN n")
    page.fill("#params", "")
    page.click("#run")
    refusal = page.locator("#console-refused")
    assert refusal.is_visible()
    assert "read-only" in refusal.inner_text()
    assert store.read("count_nodes") and not any(r["label"] == "Intruder" for r in store.read("count_nodes"))


def test_hotspots_page(page):
    page.goto("/hotspots")
    rows = page.locator("table.dense tbody tr")
    assert rows.count() >= 1
    if page.locator("#hotspot-graph").count():
        wait_graph(page, "hotspot-graph")
    page.screenshot(path=str(SCREENSHOTS / "hotspots.png"))
    assert page.dialogs == []


PAGES = [
    "/?q=" + quote(EVIL),
    "/",
    f"/incident/{path_of('deploy/evil-consumer')}",
    f"/artifact/{path_of(EVIL_UID)}",
    f"/artifact/{path_of('models/evil-consumer')}",
    f"/impact/{path_of(EVIL_UID)}",
    f"/incident/{path_of(EVIL_UID)}",
    "/team/evil-team",
    "/person/mallory",
    "/hotspots",
]


def test_injected_names_render_as_text_everywhere(page):
    for url in PAGES:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.locator("img").count() == 0, url
        assert EVIL in page.locator("main").inner_text(), url
        assert_local_assets_only(page)
    page.goto("/console?example=team_ownership")
    page.fill("#params", '{"team": "evil-team"}')
    page.click("#run")
    wait_graph(page, "console-graph")
    assert page.locator("img").count() == 0
    page.click("#console-result .views [data-view=table]")
    assert EVIL in page.locator("#console-result").inner_text()
    assert page.dialogs == []


def test_injected_names_stay_text_in_graph_tooltips(page):
    page.goto(f"/incident/{path_of('deploy/evil-consumer')}")
    wait_graph(page, "incident-graph")
    tip = hover_tooltip(page, "incident-graph", EVIL_UID)
    assert EVIL in tip.inner_text()
    assert tip.locator("img").count() == 0
    # the console draws returned nodes with the same tooltips
    page.goto("/console")
    page.fill("#console-form .cm-content", "MATCH (a:Artifact {uid: $uid}) RETURN a")
    page.fill("#params", '{"uid": "%s"}' % EVIL_UID)
    page.click("#run")
    wait_graph(page, "console-graph")
    node = page.evaluate("() => window.ownergraphNetworks['console-graph'].body.data.nodes.getIds()[0]")
    tip = hover_tooltip(page, "console-graph", node)
    assert EVIL in tip.inner_text() and tip.locator("img").count() == 0
    assert page.dialogs == []
