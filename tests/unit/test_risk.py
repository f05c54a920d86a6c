"""The risk vocabulary's rules, and the docs that quote it kept equal to it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph_model.clock import DAY_MS
from graph_model.services import risk

ROOT = Path(__file__).resolve().parents[2]


def _table_names(text: str) -> list[str]:
    return re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.M)


def test_flags_doc_is_the_generated_table():
    text = (ROOT / "docs" / "flags.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- flags:begin[^>]*-->\n(.*)\n<!-- flags:end -->", text, flags=re.S)
    assert block, "docs/flags.md lost its generated block"
    assert block.group(1) == risk.markdown(), "regenerate: python -m graph_model.services.risk"
    assert sorted(_table_names(text)) == sorted(risk.FLAGS)


def test_hotspots_doc_lists_exactly_the_hotspot_flags_with_their_points():
    text = (ROOT / "docs" / "hotspots.md").read_text(encoding="utf-8")
    section = text[text.index("## Risk"):text.index("## Each row")]
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", section, flags=re.M))
    assert set(rows) == {f.name for f in risk.FLAGS.values() if risk.HOTSPOTS in f.answers}
    for name, points in rows.items():
        if name == "sole_owner_load":
            assert f"{risk.LOAD_POINTS_EACH} per artifact, at most {risk.LOAD_POINTS_MAX}" == points.strip()
        elif name == "past_incidents":
            assert f"{risk.INCIDENT_POINTS_EACH} per incident, at most {risk.INCIDENT_POINTS_MAX}" == points.strip()
        else:
            assert float(points) == risk.points(name), name


def test_readme_names_the_incident_flags_and_points_to_the_doc():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Incident answers"):text.index("**Whom to page**")]
    named = set(re.findall(r"`([a-z_]+)`", section)) & set(risk.FLAGS)
    assert named == {f.name for f in risk.FLAGS.values() if risk.INCIDENT in f.answers}
    assert "docs/flags.md" in section


@pytest.mark.parametrize("primary, stewards, expected", [
    ([], [], ["no_primary_owner", "no_steward"]),
    ([True], [True], []),
    ([False], [True], ["owner_inactive"]),
    ([True], [False], ["no_steward"]),            # a steward who left cannot be paged
    ([True], [False, True], []),
    ([False, True], [], ["no_steward"]),          # any active primary will do
    ([], [True], ["no_primary_owner"]),
])
def test_ownership_flags(primary, stewards, expected):
    assert risk.ownership_flags(primary, stewards) == expected


def test_bus_flags_count_people_not_roles():
    assert risk.bus_flags(["ana", "ana"]) == ["single_owner"]   # primary and steward both
    assert risk.bus_flags(["ana", "bo"]) == []
    assert risk.bus_flags([]) == ["orphaned"]


def test_stale_and_recent_boundaries():
    at = 1_000 * DAY_MS
    assert risk.is_stale(None, at)
    assert not risk.is_stale(at - 30 * DAY_MS, at)
    assert risk.is_stale(at - 30 * DAY_MS - 1, at)
    assert risk.is_recent(at - 7 * DAY_MS, at) and risk.is_recent(at, at)
    assert not risk.is_recent(at - 7 * DAY_MS - 1, at) and not risk.is_recent(at + 1, at)
    assert not risk.is_recent(None, at)


def test_load_points_and_severity():
    assert risk.load_points(2) is None and risk.load_points(3) == 0.3 and risk.load_points(40) == 1.0
    assert risk.incident_points(0) is None and risk.incident_points(1) == 0.5 and risk.incident_points(9) == 2.0
    assert risk.severity(["stale", "owner_inactive"]) == "high"
    assert risk.severity(["single_owner"]) == "medium"
    assert risk.severity(["recent_change", "unknown_flag"]) == "none"
    with pytest.raises(KeyError):
        risk.points("recent_change")
