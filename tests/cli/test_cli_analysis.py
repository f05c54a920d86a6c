"""``ownergraph hotspots``, ``history`` and ``compare`` as a user runs them (real processes)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import yaml

from ..analysis_manifests import risky
from ..manifests import small
from .test_cli import run


def test_hotspots_history_compare(og_home, tmp_path):
    data = risky(datetime.now(timezone.utc))
    catalogue = small()          # its people and teams are RISKY's too
    catalogue.pop("people")
    catalogue.pop("teams")
    for path, content in (("risky.yaml", data), ("small.yaml", catalogue)):
        (tmp_path / path).write_text(yaml.safe_dump(content))
        loaded = run(og_home, "ingest", str(tmp_path / path))
        assert loaded.returncode == 0, loaded.stderr

    answer = json.loads(run(og_home, "hotspots", "--kind", "model", "--json").stdout)
    assert {r["kind"] for r in answer["artifacts"]} == {"model"}
    uids = [r["uid"] for r in answer["artifacts"]]
    assert [u for u in uids if u in ("models/b", "models/c")] == ["models/b", "models/c"]
    assert "models/a" not in uids  # owned, deputised, documented, fresh: no risk
    text = run(og_home, "hotspots", "--limit", "50").stdout
    assert text.startswith("risk hotspots (all artifacts;")
    assert "chain/d1" in text and "sole owner ed alone carries 3 widely used artifacts" in text
    people = run(og_home, "hotspots", "--people", "--team", "data").stdout
    assert people.splitlines()[3].split()[:2] == ["1", "ed"]

    shown = run(og_home, "history", "models/churn")
    assert shown.returncode == 0, shown.stderr
    assert "ownership over time:" in shown.stdout and "ana" in shown.stdout
    assert json.loads(run(og_home, "history", "models/churn", "--json").stdout)["versions"][0]["version"] == "1"

    diff = run(og_home, "compare", "models/churn@2")
    assert diff.returncode == 0, diff.stderr
    assert "~ depth: 6 -> 8" in diff.stdout and "+ raw/events@2026-11-21 (evaluated_on)" in diff.stdout
    both = json.loads(run(og_home, "compare", "models/churn@1", "models/churn@2", "--json").stdout)
    assert both["hyperparameters"]["changed"] == {"depth": {"a": 6, "b": 8}}

    missing = run(og_home, "history", "models/nope")
    assert missing.returncode == 1 and missing.stderr.strip() == "error: unknown artifact 'models/nope'"
    assert run(og_home, "compare", "models/churn@9").returncode == 1
    malformed = run(og_home, "compare", "models/churn")
    assert malformed.returncode == 2 and malformed.stderr.startswith("error: a: ")
    assert run(og_home, "hotspots", "--limit", "0").returncode == 2
    assert run(og_home, "hotspots", "--kind", "rocket").returncode == 2
