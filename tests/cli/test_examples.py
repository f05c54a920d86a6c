"""The README's example manifest ships as examples/catalog.yaml and answers as the README says."""

from __future__ import annotations

import json
import re

from .test_cli import ROOT, run

CATALOG = ROOT / "examples" / "catalog.yaml"


def test_readme_shows_the_shipped_example_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    assert CATALOG.read_text(encoding="utf-8") in blocks


def test_example_catalog_loads_and_answers(og_home):
    first = run(og_home, "ingest", str(CATALOG))
    assert first.returncode == 0, first.stderr
    assert "artifact.create        3" in first.stdout
    assert run(og_home, "ingest", str(CATALOG)).stdout.strip() == "no changes"

    res = run(og_home, "incident", "deploy/churn-api", "--json")
    assert res.returncode == 0, res.stderr
    answer = json.loads(res.stdout)
    assert [p["person"]["id"] for p in answer["page"]] == ["bo.chen", "ana.silva"]
    upstream = {u["uid"]: u for u in answer["upstream"]}
    assert list(upstream) == ["models/churn", "warehouse/events"]
    assert "owner_inactive" in upstream["warehouse/events"]["flags"]

    card = json.loads(run(og_home, "show", "models/churn", "--json").stdout)
    assert card["owner"]["id"] == "ana.silva"
    assert [s["id"] for s in card["stewards"]] == ["bo.chen"]
    assert run(og_home, "audit", "verify").stdout.startswith("audit chain intact: 20 events")
