"""What changed, inline, on the incident page in real headless Chromium: one line per
recent upstream change with a link to the full compare, data refreshes apart; the
screenshot lands in docs/screenshots/incident-changes.png."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlparse

import pytest

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def test_incident_page_shows_what_changed_with_compare_links(page, loaded):
    _, facts = loaded
    page.goto(f"/incident/{quote(facts['failing'], safe='/')}")
    card = page.locator("#what-changed")
    changes = card.locator("ol.changes:not(.refreshes) li.change[data-change='recent_change']")
    refreshes = card.locator("ol.refreshes li.change[data-change='data_refresh']")
    assert changes.count() >= 2 and refreshes.count() >= 1
    uids = changes.evaluate_all("els => els.map(e => e.dataset.uid)")
    # the failing revision itself first (distance 0), then the demo's recent code change
    assert uids[0] == facts["failing"]
    assert "features/" in uids[1] and "realtime-signals" in uids[1]
    realtime = changes.nth(1)
    assert realtime.locator(".what").inner_text().startswith('commit: "Widen ')
    assert realtime.locator(".when").inner_text().startswith("changed ") and \
        realtime.locator(".when").inner_text().endswith(" before")
    assert refreshes.first.locator(".when").inner_text().startswith("data refreshed ")
    for li in [*changes.all(), *refreshes.all()]:
        assert li.locator(".what").inner_text().strip()
    # the page list says when, with the same wording
    reasons = page.locator("#page-list ul.reasons li").all_inner_texts()
    assert any(r.endswith(realtime.locator(".when").inner_text().removeprefix("changed ")) and
               uids[1] in r and ", changed " in r for r in reasons)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "incident-changes.png"))
    # the link opens the full compare of the same two versions
    link = realtime.locator("a.compare")
    assert link.inner_text() == "compare"
    href = link.get_attribute("href")
    assert href.endswith("#compare")
    link.click()
    page.wait_for_selector("h3#compare")
    assert unquote(urlparse(page.url).path) == f"/artifact/{uids[1]}"
    heading = " ".join(page.locator("h3#compare").text_content().split())
    assert heading.startswith("Compared with the previous version ")
    assert page.locator("table.diff td", has_text="commit").count() == 1
    assert page.dialogs == []
