"""The /governance page in real headless Chromium: coverage per rule, team and kind, the
violations with their owners, the filter form, and the coverage-over-time chart."""

from __future__ import annotations

import pytest

from graph_model.services import check_history, checks

from .conftest import EVIL_UID, SCREENSHOTS

pytestmark = pytest.mark.browser

DAY_MS = 86_400_000


@pytest.fixture(scope="module")
def recorded(loaded):
    """Two recorded check runs a day apart (what `ownergraph check --record` keeps)."""
    store, _ = loaded
    for days in (2, 1):
        answer = checks.evaluate(store, at=1_780_000_000_000 - days * DAY_MS)
        check_history.record(store, answer, actor="test")
    return checks.evaluate(store)


def test_governance_page(page, recorded):
    page.goto("/governance")
    state = page.locator("#check-state")
    assert state.is_visible()
    expected = f"{recorded['counts']['errors']} error(s)" if not recorded["ok"] else "no error-severity violation"
    assert state.inner_text() == expected
    enabled = [r for r in recorded["rules"] if r["enabled"]]
    assert page.locator("#rule-coverage tbody tr").count() == len(enabled)
    evaluated = page.locator('#rule-coverage tr[data-rule="evaluated"]').inner_text()
    r = next(r for r in enabled if r["id"] == "evaluated")
    assert f"{r['passing']} of {r['applies']}" in evaluated
    assert page.locator("#team-coverage tbody tr").count() == len(recorded["by_team"])
    assert page.locator("#kind-coverage tbody tr").count() == len(recorded["by_kind"])
    rows = page.locator("#violations tr.violation")
    assert rows.count() == min(500, len(recorded["violations"])) > 0
    first = recorded["violations"][0]
    assert first["message"] in rows.first.inner_text()
    # the chart: one dot per recorded run, each with its tooltip
    dots = page.locator("#coverage-chart circle.dot")
    assert dots.count() == 2
    assert "% coverage" in dots.first.locator("title").text_content()
    box = page.locator("#coverage-chart").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 80
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "governance.png"), full_page=False)
    assert page.dialogs == []


def test_filter_and_follow_a_violation(page, recorded, loaded):
    page.goto("/governance")
    page.select_option("form.inline-form select[name=kind]", "deployment")
    page.locator("form.inline-form button[type=submit]").click()
    page.wait_for_url("**/governance?kind=deployment*")
    kinds = page.locator("#violations tr.violation .kind").all_inner_texts()
    assert kinds and set(kinds) == {"deployment"}
    uid = page.locator("#violations tr.violation").first.get_attribute("data-uid")
    page.locator("#violations tr.violation").first.locator("a.art").click()
    page.wait_for_selector("#recorded-reviews")
    assert page.locator("h1").inner_text() == uid
    assert page.dialogs == []


def test_user_typed_names_stay_text(page, recorded):
    page.goto("/governance?namespace=evil")
    text = page.locator("#violations").inner_text()
    assert EVIL_UID in text                              # shown as text, not markup
    assert page.locator("#violations img").count() == 0 and page.dialogs == []
