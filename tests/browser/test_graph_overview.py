"""The graph overview in real headless Chromium: the groups and counts a responder reads
(compared with what the manifest says, worked out in the test), a group opened and closed
by clicking it, the search box centring an artifact, the path to the selection, and a
hostile artifact name that stays text. Screenshots of the overview closed and with a group
open land in docs/screenshots/.

The graph is its own (a generated one past the threshold, in its own FalkorDB graph and
server), so the shared demo graph of the other browser tests stays as they expect it.
"""

from __future__ import annotations

import math
import re
import threading
import uuid
from datetime import datetime, timezone

import pytest

from bench.overview_page import EVIL, wide_manifest
from tests.overview_graphs import expected_groups

from .conftest import SCREENSHOTS, dialog_page
from .test_dashboard import node_point, wait_graph

pytestmark = pytest.mark.browser

SIZE = 90
ROOT = "ovb/source"
GRAPH = "impact-graph"


@pytest.fixture(scope="module")
def wide(falkordb_socket):
    """The generated graph in its own FalkorDB graph, served by the app in a thread."""
    from werkzeug.serving import make_server

    from app import create_app
    from graph_model.ingest import manifest, parse
    from graph_model.store.falkordb_store import FalkorDBStore
    now = datetime.now(timezone.utc)
    m = wide_manifest(SIZE, prefix="ovb", now=now, evil=True)
    store = FalkorDBStore(socket_path=falkordb_socket, graph=f"overview_{uuid.uuid4().hex[:10]}")
    store.ensure_schema()
    manifest.ingest(store, parse.validate(m), actor="test")
    httpd = make_server("127.0.0.1", 0, create_app({"OWNERGRAPH_STORE_OBJECT": store,
                                                     "OWNERGRAPH_ANONYMOUS_READ": True}), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{httpd.server_port}", "groups": expected_groups(m, ROOT, now, downstream=True)}
    httpd.shutdown()
    thread.join(timeout=5)
    store.clear()
    store.close()


@pytest.fixture
def opage(browser, wide):
    """A 1440x900 page on the overview's server that records every dialog (none may open)."""
    with dialog_page(browser, wide["url"]) as pg:
        yield pg


def visible_ids(page) -> set[str]:
    return set(page.evaluate(f"() => window.ownergraphNetworks['{GRAPH}'].body.data.nodes.getIds()"))


def group_labels(page) -> dict[str, str]:
    return page.evaluate(f"""() => Object.fromEntries(window.ownergraphNetworks['{GRAPH}'].body.data.nodes
        .get().filter(n => n.id.startsWith('group:')).map(n => [n.id, n.label]))""")


def read_label(label: str) -> tuple[int, str, int, int]:
    """'▸ 14 datasets / 3 no owner / ▲ 2 changed' -> (14, 'datasets', 3, 2)."""
    first, owners, changed = label.split("\n")
    count, kind = re.fullmatch(r"[\u25b8\u25be] (\d+) (.+)", first).groups()
    no_owner = 0 if owners == "all owned" else int(re.fullmatch(r"(\d+) no owner", owners).group(1))
    recent = 0 if changed == "none changed" else int(re.fullmatch(r"\u25b2 (\d+) changed", changed).group(1))
    return int(count), kind, no_owner, recent


def open_overview(page) -> None:
    page.goto(f"/impact/{ROOT}")
    wait_graph(page, GRAPH)
    assert page.locator(f"#{GRAPH}").get_attribute("data-mode") == "overview"


def test_the_overview_shows_the_groups_and_counts_of_the_graph(opage, wide):
    open_overview(opage)
    labels = group_labels(opage)
    shown = {gid: read_label(label) for gid, label in labels.items()}
    want = {f"group:{kind}:{d}": (g["count"], kind.replace("_", " ") + ("s" if g["count"] != 1 else ""),
                                  g["no_owner"], g["recent"])
            for (kind, d), g in wide["groups"].items()}
    assert shown == want
    assert sum(v[0] for v in shown.values()) == SIZE
    assert visible_ids(opage) == {ROOT} | set(want) | {f"column:{d}" for d in range(6)}
    # left to right by distance, across the canvas's width
    xs = {d: node_point(opage, GRAPH, f"group:dataset:{d}")["x"] for d in (1, 2)}
    assert node_point(opage, GRAPH, ROOT)["x"] < xs[1] < xs[2]
    box = opage.locator(f"#{GRAPH}").bounding_box()
    right = node_point(opage, GRAPH, "group:metric:5")["x"]
    assert right - node_point(opage, GRAPH, ROOT)["x"] > box["width"] * 0.6
    opage.locator(f"#{GRAPH}").scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    opage.screenshot(path=str(SCREENSHOTS / "overview-collapsed.png"))
    assert opage.dialogs == []


def test_clicking_a_group_opens_it_and_clicking_again_closes_it(opage, wide):
    open_overview(opage)
    members = wide["groups"][("dataset", 1)]["members"]
    gid = "group:dataset:1"
    point = node_point(opage, GRAPH, gid)
    opage.mouse.click(point["x"], point["y"])
    opage.wait_for_function(f"() => window.ownergraphOverviews['{GRAPH}'].expanded.includes('{gid}')")
    assert members <= visible_ids(opage)
    assert read_label(group_labels(opage)[gid])[0] == len(members)
    assert "open" in opage.locator(f"#{GRAPH}-status").inner_text()
    # the opened group's artifacts are drawn as text, the hostile one included
    assert f"ovb/{EVIL}" in members and opage.locator("img").count() == 0
    opage.locator(f"#{GRAPH}").scroll_into_view_if_needed()
    opage.screenshot(path=str(SCREENSHOTS / "overview-expanded.png"))
    point = node_point(opage, GRAPH, gid)
    opage.mouse.click(point["x"], point["y"])
    opage.wait_for_function(f"() => !window.ownergraphOverviews['{GRAPH}'].expanded.includes('{gid}')")
    assert not members & visible_ids(opage)
    assert opage.dialogs == []


def test_search_finds_and_centres_an_artifact_and_highlights_its_path(opage, wide):
    open_overview(opage)
    target = sorted(wide["groups"][("model", 3)]["members"])[0]
    assert target not in visible_ids(opage)
    opage.fill(f"#{GRAPH}-search", target.split("/")[1])
    opage.click(f"#{GRAPH}-find button")
    opage.wait_for_function(f"() => window.ownergraphOverviews['{GRAPH}'].selected() === '{target}'")
    assert target in visible_ids(opage)
    point = node_point(opage, GRAPH, target)
    box = opage.locator(f"#{GRAPH}").bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert math.dist((point["x"], point["y"]), centre) < 20
    path = opage.evaluate(f"() => window.ownergraphOverviews['{GRAPH}'].path")
    assert path[0] == target and path[-1] == ROOT and len(path) == 4   # distance 3: through two groups
    dark = opage.evaluate(f"""() => window.ownergraphNetworks['{GRAPH}'].body.data.edges.get()
        .filter(e => e.color && e.color.color === '#1f2933').length""")
    assert dark == 3
    assert target in opage.locator(f"#{GRAPH}-status").inner_text()
    # a hostile name is found, and shown as text in the status line
    opage.fill(f"#{GRAPH}-search", EVIL)
    opage.click(f"#{GRAPH}-find button")
    opage.wait_for_function(f"uid => window.ownergraphOverviews['{GRAPH}'].selected() === uid", arg=f"ovb/{EVIL}")
    assert EVIL in opage.locator(f"#{GRAPH}-status").inner_text()
    assert opage.locator("img").count() == 0 and opage.dialogs == []


def test_below_the_threshold_the_artifact_graph_stays(opage, wide):
    uid = sorted(wide["groups"][("dataset", 1)]["members"] - {f"ovb/{EVIL}"})[0]
    opage.goto(f"/incident/{uid}")
    wait_graph(opage, "incident-graph")
    assert opage.locator("#incident-graph").get_attribute("data-mode") is None
    assert set(opage.evaluate("() => window.ownergraphNetworks['incident-graph'].body.data.nodes.getIds()")) == {
        uid, ROOT}
