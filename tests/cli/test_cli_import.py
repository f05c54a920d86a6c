"""``ownergraph import ...`` as a user runs it: real processes on real sources."""

from __future__ import annotations

import json

import yaml

from ..contract.test_import_codeowners import CATALOG, CODEOWNERS, REPO
from .test_cli import run


def _audit_count(home) -> int:
    out = run(home, "audit", "verify")
    assert out.returncode == 0, out.stderr
    return int(out.stdout.split(":")[1].split()[0])


def test_import_codeowners_dry_run_then_apply_then_no_changes(og_home, tmp_path):
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(yaml.safe_dump(CATALOG))
    assert run(og_home, "ingest", str(catalog)).returncode == 0
    owners_file = tmp_path / "CODEOWNERS"
    owners_file.write_text(CODEOWNERS)
    before = _audit_count(og_home)
    dry = run(og_home, "import", "codeowners", str(owners_file), "--repo", REPO, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("dry run: nothing was written\nplan: ")
    assert "ownership.open" in dry.stdout and "models/churn" in dry.stdout
    assert "note: " in dry.stdout and "@ghost matches nobody" in dry.stdout
    assert _audit_count(og_home) == before
    done = run(og_home, "import", "codeowners", str(owners_file), "--repo", REPO)
    assert done.returncode == 0, done.stderr
    assert "change(s) recorded" in done.stdout
    card = json.loads(run(og_home, "show", "models/churn", "--json").stdout)
    assert card["owner"]["id"] == "ana"
    again = run(og_home, "import", "codeowners", str(owners_file), "--repo", REPO)
    assert again.returncode == 0 and again.stdout.splitlines()[0] == "no changes"


def test_import_codeowners_bad_input_exit_2(og_home, tmp_path):
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(yaml.safe_dump(CATALOG))
    run(og_home, "ingest", str(catalog))
    before = _audit_count(og_home)
    missing = run(og_home, "import", "codeowners", str(tmp_path / "nope"), "--repo", REPO)
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    bad = tmp_path / "CODEOWNERS"
    bad.write_text(CODEOWNERS + "/docs/ not-an-owner\n")
    refused = run(og_home, "import", "codeowners", str(bad), "--repo", REPO)
    assert refused.returncode == 2
    assert "nothing was written" in refused.stderr and "line 6: owner 'not-an-owner'" in refused.stderr
    assert _audit_count(og_home) == before
    skipped = run(og_home, "import", "codeowners", str(bad), "--repo", REPO, "--skip-invalid")
    assert skipped.returncode == 0, skipped.stderr
    assert "skipped 1 entry that cannot be mapped:" in skipped.stdout
    assert _audit_count(og_home) > before
    wrong_repo = run(og_home, "import", "codeowners", str(bad), "--repo", "javascript:alert(1)")
    assert wrong_repo.returncode == 2


def test_import_git_process(og_home, tmp_path):
    from ..gitrepo import build, catalog
    shas = build(tmp_path / "repo")
    catalog_file = tmp_path / "catalog.yaml"
    catalog_file.write_text(yaml.safe_dump(catalog(shas)))
    assert run(og_home, "ingest", str(catalog_file)).returncode == 0
    before = _audit_count(og_home)
    dry = run(og_home, "import", "git", str(tmp_path / "repo"), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "code.touch" in dry.stdout and "commit.fill" in dry.stdout
    assert _audit_count(og_home) == before
    done = run(og_home, "import", "git", str(tmp_path / "repo"), "--since", "2026-10-01")
    assert done.returncode == 0 and "change(s) recorded" in done.stdout, done.stderr
    again = run(og_home, "import", "git", str(tmp_path / "repo"))
    assert again.stdout.splitlines()[0] == "no changes"
    not_git = run(og_home, "import", "git", str(tmp_path))
    assert not_git.returncode == 2 and "not a git repository" in not_git.stderr
    bad_since = run(og_home, "import", "git", str(tmp_path / "repo"), "--since", "yesterday")
    assert bad_since.returncode == 2 and "since" in bad_since.stderr


def test_import_backstage_process(og_home, tmp_path):
    from ..backstage_files import CATALOG, SERVICES
    (tmp_path / "org.yaml").write_text(CATALOG)
    (tmp_path / "catalog-info.yaml").write_text(SERVICES)
    files = [str(tmp_path / "org.yaml"), str(tmp_path / "catalog-info.yaml")]
    dry = run(og_home, "import", "backstage", *files, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "artifact.create" in dry.stdout and "team.oncall" in dry.stdout
    assert "default/churn-model" in dry.stdout
    done = run(og_home, "import", "backstage", *files)
    assert done.returncode == 0 and "change(s) recorded" in done.stdout, done.stderr
    card = json.loads(run(og_home, "show", "default/user-features", "--json").stdout)
    assert card["owner"]["id"] == "bo"
    again = run(og_home, "import", "backstage", *files)
    assert again.stdout.splitlines()[0] == "no changes"
    (tmp_path / "bad.yaml").write_text("kind: Component\nmetadata: {name: x}\n---\nkind: [\n")
    bad = run(og_home, "import", "backstage", str(tmp_path / "bad.yaml"))
    assert bad.returncode == 2 and "malformed YAML" in bad.stderr


def test_import_mlflow_process(og_home, tmp_path, mlflow_db):
    from ..mlflow_source import uri
    path, ids = mlflow_db
    people = tmp_path / "people.yaml"
    people.write_text(yaml.safe_dump({"people": [{"id": "ana", "name": "Ana", "email": "ana@example.com"},
                                                 {"id": "bo", "name": "Bo"}],
                                      "teams": [{"id": "ml", "name": "ML Platform"}]}))
    assert run(og_home, "ingest", str(people)).returncode == 0
    before = _audit_count(og_home)
    dry = run(og_home, "import", "mlflow", "--tracking-uri", uri(path), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"mlflow-experiments/churn@{ids['r1']}" in dry.stdout and "import.watermark" in dry.stdout
    assert _audit_count(og_home) == before
    done = run(og_home, "import", "mlflow", "--tracking-uri", uri(path))
    assert done.returncode == 0 and "change(s) recorded" in done.stdout, done.stderr
    card = json.loads(run(og_home, "show", "mlflow-models/churn-model", "--json").stdout)
    assert card["owner"]["id"] == "ana" and [v["version"] for v in card["versions"]] == ["1"]
    again = run(og_home, "import", "mlflow", "--tracking-uri", uri(path))
    assert again.stdout.splitlines()[0] == "no changes"
    bad = run(og_home, "import", "mlflow", "--tracking-uri", uri(tmp_path / "nope" / "x.db"))
    assert bad.returncode == 2 and "cannot read the MLflow store" in bad.stderr
