"""The policy file: the built-in policy, overlays, and every problem reported with its path."""

from __future__ import annotations

import pytest

from graph_model.services import policy


def _problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(policy.PolicyError) as e:
        policy.load_text(text, "p.yaml")
    return [(p.path, p.message) for p in e.value.problems]


def test_builtin_policy_has_every_rule_of_the_issue():
    assert [r.id for r in policy.DEFAULT.rules] == [
        "primary-owner", "steward", "team-escalation", "owners-left", "dataset-lineage", "recent-run-log",
        "evaluated", "runbook", "ownership-review", "reviews"]
    runbook = policy.DEFAULT.rule("runbook")
    assert runbook.applies("deployment", [], "x") and runbook.applies("dataset", ["tier-1"], "x")
    assert not runbook.applies("dataset", ["tier-2"], "x")
    assert policy.DEFAULT.rule("recent-run-log").thresholds == {"max_age_days": 30}


def test_an_overlay_keeps_what_it_does_not_name():
    p = policy.load_text("rules:\n  steward: {severity: error}\n  runbook: {enabled: false}\n", "p.yaml")
    assert p.rule("steward").severity == "error" and p.rule("steward").thresholds == {"min_active": 1}
    assert not p.rule("runbook").applies("deployment", [], "x")
    assert p.rule("primary-owner") == policy.DEFAULT.rule("primary-owner")
    assert p.reviews == policy.DEFAULT.reviews and p.source == "p.yaml"
    assert policy.load_text("reviews: []\n", "p.yaml").reviews == []


def test_scope_criteria_all_must_match_any_value_each():
    s = policy.Scope(kinds=["model"], tags=["tier-1", "tier-2"], namespaces=["models"])
    assert s.matches("model", ["tier-2"], "models")
    assert not s.matches("model", ["tier-2"], "other") and not s.matches("dataset", ["tier-1"], "models")


def test_every_problem_named_with_its_path():
    got = _problems("""
version: 2
rules:
  runbok: {}
  runbook: {severity: fatal, scope: [{kinds: [modle]}], colour: red}
  recent-run-log: {thresholds: {max_age_days: 99999, days: 3}}
reviews:
  - {kind: drift, every_days: 0}
  - {kind: vibes, every_days: 30}
""")
    paths = [p for p, _ in got]
    assert set(paths) == {"version", "rules.runbok", "rules.runbook.severity", "rules.runbook.scope[0].kinds[0]",
                          "rules.runbook.colour", "rules.recent-run-log.thresholds.days", "reviews[0].every_days",
                          "reviews[1].kind"}
    assert "unknown rule" in dict(got)["rules.runbok"]


def test_semantic_problems_after_the_schema_passes():
    got = _problems("rules:\n  recent-run-log: {thresholds: {max_age_days: 99999}}\n"
                    "reviews:\n  - {kind: drift, every_days: 3}\n  - {kind: drift, every_days: 9}\n")
    assert [p for p, _ in got] == ["rules.recent-run-log.thresholds.max_age_days", "reviews[1]"]


@pytest.mark.parametrize("text, path", [
    ("rules: [1, 2\n", "p.yaml"),                       # malformed YAML: the line is in the message
    ("- just\n- a list\n", "policy"),
    ("a: &a [1]\nb: !!python/object:os.system x\n", "b"),        # a tag that is not plain data
    ("rules: {}\nrules: {}\n", "rules"),                 # duplicate key
])
def test_unusable_files(text, path):
    assert path in [p for p, _ in _problems(text)][0]


def test_unreadable_file(tmp_path):
    with pytest.raises(policy.PolicyError) as e:
        policy.load_file(tmp_path / "missing.yaml")
    assert e.value.problems[0].path.endswith("missing.yaml")


def _yaml_blocks(text: str) -> list[str]:
    import re
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.S)


def test_the_documented_policy_files_are_valid():
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Governance"):readme.index("## Import")]
    doc = (root / "docs" / "governance.md").read_text(encoding="utf-8")
    blocks = [b for b in _yaml_blocks(section) + _yaml_blocks(doc) if b.lstrip().startswith(("rules:", "version:"))]
    assert len(blocks) == 2
    for block in blocks:
        policy.load_text(block, "doc")


def test_the_documented_rules_are_the_builtin_ones():
    import re
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[2] / "docs" / "governance.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z-]+)` \| (error|warning|per cadence) \|", doc, flags=re.M)
    assert [r for r, _ in rows] == list(policy.BUILTIN)
    for rid, severity in rows:
        if severity != "per cadence":
            assert policy.DEFAULT.rule(rid).severity == severity, rid
    cadences = re.findall(r"^\| `([a-z_]+)` \| (\d+) days \| (error|warning) \|", doc, flags=re.M)
    assert [(k, int(d), s) for k, d, s in cadences] == [(c.kind, c.every_days, c.severity)
                                                        for c in policy.DEFAULT.reviews]
