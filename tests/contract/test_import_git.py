"""git import on both engines: a real repository made with ``git``, commits filled and
tied to the artifacts whose code they changed, and the incident's page list."""

from __future__ import annotations

from graph_model.importers import common, git_repo
from graph_model.ingest.manifest import ingest
from graph_model.ingest.parse import check
from graph_model.schema import to_epoch_ms
from graph_model.services import incident

from ..gitrepo import AT, COMMITS, build, catalog
from app.params import parse_instant


def _import(store, path, **kw):
    since = kw.pop("since", None)
    mapped = git_repo.map_repo(path, store.read, since=since)
    return common.run(store, mapped, actor="import:git by cli:test", **kw)


def _commit(store, sha):
    return store.read("git_commit_state", shas=[sha])[0]


def test_git_fills_commits_and_links_code(store, tmp_path):
    shas = build(tmp_path / "repo")
    ingest(store, check(catalog(shas)))
    seq = store.read("audit_head")[0]["seq"]
    dry = _import(store, tmp_path / "repo", dry_run=True)
    assert store.read("audit_head")[0]["seq"] == seq
    assert _commit(store, shas[0][:10])["author_email"] is None
    done = _import(store, tmp_path / "repo")
    assert sorted((c.action, c.target) for c in done.changes) == sorted((c.action, c.target) for c in dry.changes)
    short = _commit(store, shas[0][:10])
    assert (short["author_name"], short["author_email"], short["message"], short["files"]) == (
        "Ana Silva", "ana@example.com", "first model", ["models/churn/train.py"])
    assert short["time"] == parse_instant("t", COMMITS[0][2]) and short["authors"] == ["ana"]
    assert short["touched"] == ["models/churn"]
    bo = _commit(store, shas[1])
    assert bo["authors"] == ["bo"] and bo["touched"] == ["features/user"]   # e-mail matched case-insensitively
    zed = _commit(store, shas[2])
    assert zed["authors"] == [] and zed["touched"] == ["models/churn"] and zed["author_name"] == "Zed"
    assert store.read("git_commit_state", shas=[shas[3]]) == []            # README: no artifact's code
    assert not store.read("git_commit_state", shas=[shas[0]])              # the short sha stays the key
    again = _import(store, tmp_path / "repo")
    assert again.changes == [] and again.summary.events == 0


def test_incident_lists_recent_code_authors_nearest_first(store, tmp_path):
    shas = build(tmp_path / "repo")
    ingest(store, check(catalog(shas)), at=parse_instant("t", "2026-10-01T00:00:00Z"))  # owners since then
    _import(store, tmp_path / "repo")
    answer = incident.incident(store, "models/churn", as_of=parse_instant("t", AT))
    assert [(c["uid"], c["sha"], c["author"], c["ago"]) for c in answer["code_changes"]] == [
        ("models/churn", shas[2], None, "1 day before"),
        ("features/user", shas[1], "bo", "2 days before")]
    assert [(e["person"]["id"], e["reasons"]) for e in answer["page"]] == [
        ("di", ["primary owner of models/churn"]),
        ("bo", [f"changed the code of features/user 2 days before (commit {shas[1][:10]})"]),
        ("cy", ["primary owner of features/user (distance 1)"])]


def test_git_since_walks_only_newer_commits(store, tmp_path):
    shas = build(tmp_path / "repo")
    ingest(store, check(catalog(shas)))
    done = _import(store, tmp_path / "repo", since=to_epoch_ms(__import__("datetime").datetime(2026, 11, 19)))
    assert {c.target for c in done.changes if c.action == "commit.create"} == {shas[2]}
    assert _commit(store, shas[0][:10])["author_email"] is None
