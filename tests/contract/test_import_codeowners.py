"""CODEOWNERS import on both engines: a real file, the codeowners parser's rules, owners
declared (filling empty slots, else a difference), dry run and idempotence."""

from __future__ import annotations

import pytest

from graph_model.errors import ValidationFailed
from graph_model.importers import codeowners_file, common
from graph_model.ingest.manifest import ingest
from graph_model.ingest.parse import check
from graph_model.services import declared

from ..helpers import counts, owners

REPO = "https://github.com/acme/ml"

CATALOG = {
    "people": [
        {"id": "ana", "name": "Ana Silva", "handle": "Ana-S"},
        {"id": "bo", "name": "Bo Chen", "email": "Bo@Example.com"},
        {"id": "cy", "name": "Cy Okafor"},
    ],
    "teams": [{"id": "ml", "name": "ML Platform", "members": ["ana"]}],
    "artifacts": [
        {"uid": "models/churn", "kind": "model", "source": {"repo": REPO + ".git", "path": "src/churn/"}},
        {"uid": "models/fraud", "kind": "model", "owner": "cy",
         "source": {"repo": "git@github.com:acme/ml.git", "path": "src/fraud/train.py"}},
        {"uid": "models/legacy", "kind": "model", "source": {"repo": REPO, "path": "legacy/"}},
        {"uid": "docs/readme", "kind": "other", "source": {"repo": REPO, "path": "README.md"}},
        {"uid": "data/other", "kind": "dataset", "source": {"repo": "https://github.com/acme/other", "path": "src/"}},
    ],
}

# last match wins: src/churn/ is owned by the /src/ rule only (not '*'); legacy/ has an
# owner-less rule; src/fraud/ is unanchored; the '*' rule names a team
CODEOWNERS = """\
# default owners
*                 @acme/ml
/src/             @ana-s bo@example.com
src/fraud/        @ghost
/legacy/
"""


def _import(store, text=CODEOWNERS, **kw):
    mapped = codeowners_file.map_file(text, "CODEOWNERS", REPO, store.read)
    return common.run(store, mapped, actor="import:codeowners by cli:test", **kw)


def _events(store) -> int:
    return store.read("audit_head")[0].get("seq") or 0


def test_codeowners_declares_and_fills(store):
    ingest(store, check(CATALOG))
    before = _events(store)
    dry = _import(store, dry_run=True)
    assert _events(store) == before and owners(store, "models/churn") == {"primary": set(), "steward": set(),
                                                                          "team": set()}
    assert {(c.action, c.target) for c in dry.created} >= {("declaration.set", "models/churn"),
                                                          ("ownership.open", "models/churn")}
    done = _import(store)
    assert sorted((c.action, c.target) for c in done.changes) == sorted((c.action, c.target) for c in dry.changes)
    assert owners(store, "models/churn") == {"primary": {"ana"}, "steward": {"bo"}, "team": set()}
    assert owners(store, "models/fraud") == {"primary": {"cy"}, "steward": set(), "team": set()}
    assert owners(store, "docs/readme") == {"primary": set(), "steward": set(), "team": {"ml"}}
    assert owners(store, "models/legacy")["primary"] == set()
    assert declared.of_artifact(store, "models/legacy") == []
    assert declared.of_artifact(store, "data/other") == []
    fraud = declared.of_artifact(store, "models/fraud")
    assert [(d["source"], d["role"], d["holder"], d["resolved"]) for d in fraud] == [
        ("CODEOWNERS", "primary", "@ghost", None)]
    assert done.notes == ["CODEOWNERS line 4: @ghost matches nobody (no person has that handle)"]
    audit = store.read("audit_events_page", after=before, limit=100)
    assert {e["actor"] for e in audit} == {"import:codeowners by cli:test"}
    again = _import(store)
    assert again.changes == [] and again.summary.events == 0
    assert "models/churn" in again.left_alone


def test_codeowners_rule_change_moves_what_it_filled(store):
    ingest(store, check(CATALOG))
    _import(store)
    _import(store, CODEOWNERS.replace("/src/             @ana-s bo@example.com", "/src/ bo@example.com @ana-s"))
    assert owners(store, "models/churn") == {"primary": {"bo"}, "steward": {"ana"}, "team": set()}


def test_codeowners_bad_owner_writes_nothing_unless_skipped(store):
    ingest(store, check(CATALOG))
    before = counts(store)
    bad = CODEOWNERS + "/docs/ not-an-owner @ana-s\n"
    with pytest.raises(ValidationFailed) as e:
        _import(store, bad)
    assert [str(p) for p in e.value.problems] == [
        "CODEOWNERS line 6: owner 'not-an-owner' is not @user, @org/team or an e-mail"]
    assert counts(store) == before
    done = _import(store, bad, skip_invalid=True)
    assert [p.path for p in done.skipped] == ["CODEOWNERS line 6"]
    assert owners(store, "models/churn")["primary"] == {"ana"}
