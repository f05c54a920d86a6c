"""``ownergraph check`` as CI runs it: real processes, exit codes, JUnit read back by a
JUnit parser (junitparser), a bad policy file, and the deploy gate.

The rules themselves are tested on both engines in tests/contract/test_policy_checks.py;
this is the command's contract with a pipeline.
"""

from __future__ import annotations

import json

import pytest
import yaml
from junitparser import Failure, JUnitXml, Skipped

from ..contract.test_policy_checks import catalogue
from .test_cli import run


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    import os
    import shutil
    import tempfile
    from pathlib import Path
    h = Path(tempfile.mkdtemp(prefix="og-"))
    path = tmp_path_factory.mktemp("m") / "catalog.yaml"
    path.write_text(yaml.safe_dump(catalogue()))
    done = run(h, "ingest", str(path))
    assert done.returncode == 0, done.stderr
    yield h
    pidfile = h / "falkordb.pid"
    if pidfile.exists():
        try:
            os.kill(int(pidfile.read_text()), 9)
        except (ValueError, OSError):
            pass
    shutil.rmtree(h, ignore_errors=True)


def test_errors_fail_the_run_and_junit_shows_each(home, tmp_path):
    text = run(home, "check")
    assert text.returncode == 1, text.stderr
    assert "FAILED: error-severity violations remain" in text.stdout
    assert "deploy/bad: deploy/bad@1 runs models/bad@1, which has no evaluation (owner bo" in text.stdout
    answer = json.loads(run(home, "check", "--format", "json").stdout)
    junit = run(home, "check", "--format", "junit")
    assert junit.returncode == 1
    out = tmp_path / "check.xml"
    out.write_text(junit.stdout)
    xml = JUnitXml.fromfile(str(out))
    failed, skipped = [], []
    for suite in xml:
        for case in suite:
            kinds = {type(r) for r in case.result}
            if Failure in kinds:
                failed.append((suite.name, case.name))
            elif Skipped in kinds:
                skipped.append((suite.name, case.name))
    assert len(failed) == answer["counts"]["errors"] and len(skipped) == answer["counts"]["warnings"]
    assert ("evaluated", "deploy/bad") in failed and ("runbook", "models/bad") in failed
    assert ("reviews", "models/good (drift review)") in failed         # no review recorded yet
    assert ("steward", "models/bad") in skipped                         # a warning does not fail
    suites = {s.name: s for s in xml}
    assert suites["evaluated"].tests == 2 and suites["evaluated"].failures == 1


def test_filters_and_a_clean_scope_exit_zero(home):
    got = run(home, "check", "--namespace", "data", "--format", "json")
    assert got.returncode == 0, got.stdout
    answer = json.loads(got.stdout)
    assert answer["ok"] is True and answer["artifacts"] == 1 and answer["filters"]["namespace"] == "data"
    assert run(home, "check", "--kind", "deployment").returncode == 1
    assert run(home, "check", "--kind", "spaceship").returncode == 2
    assert run(home, "check", "--team", "nobody").returncode == 1


def test_policy_files(home, tmp_path):
    lenient = tmp_path / "lenient.yaml"
    lenient.write_text("""
rules:
  primary-owner: {severity: warning}
  team-escalation: {severity: warning}
  owners-left: {severity: warning}
  dataset-lineage: {scope: {kinds: [deployment]}, severity: warning}
  evaluated: {enabled: false}
  runbook: {severity: warning}
reviews: []
""")
    got = run(home, "check", "--policy", str(lenient))
    assert got.returncode == 0, got.stdout
    assert f"against the {lenient} policy" in got.stdout and "OK: no error-severity violation" in got.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  runbok: {}\n  steward: {severity: fatal}\nreviews:\n  - {kind: drift}\n")
    got = run(home, "check", "--policy", str(bad))
    assert got.returncode == 2 and got.stdout == ""
    for path in ("rules.runbok", "rules.steward.severity", "reviews[0].every_days"):
        assert f"  {path}: " in got.stderr, got.stderr
    assert run(home, "check", "--policy", str(tmp_path / "missing.yaml")).returncode == 2


def test_deploy_gate(home):
    ok = run(home, "check", "--gate", "deploy", "deploy/good@1")
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.startswith("ALLOWED: deploy/good@1")
    no = run(home, "check", "--gate", "deploy", "deploy/bad@1", "--format", "json")
    assert no.returncode == 1
    g = json.loads(no.stdout)
    assert g["allowed"] is False and "no runbook link" in g["reasons"]
    assert run(home, "check", "--gate", "deploy", "deploy/good@9").returncode == 1      # unknown version
    assert run(home, "check", "--gate", "deploy", "not a ref").returncode == 2
    assert run(home, "check", "--gate", "release", "deploy/good@1").returncode == 2


def test_record_keeps_the_run_in_the_audit_log(home):
    got = run(home, "check", "--record", "--format", "json")
    assert got.returncode == 1 and "recorded as audit event" in got.stderr
    assert run(home, "check", "--record", "--kind", "model").returncode == 2
    verified = run(home, "audit", "verify", "--state")
    assert verified.returncode == 0, verified.stdout + verified.stderr
