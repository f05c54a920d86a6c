"""A real git repository built with the ``git`` command, with known commits and dates."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO_URL = "https://github.com/acme/ml"

# (author name, e-mail, committer date, file, message): dates fixed so that an incident
# at AT sees the last three as recent (7 days) and the first as old
COMMITS = [
    ("Ana Silva", "ana@example.com", "2026-11-01T12:00:00Z", "models/churn/train.py", "first model"),
    ("Bo Chen", "BO@example.com", "2026-11-18T12:00:00Z", "features/user/build.py", "user features"),
    ("Zed", "zed@elsewhere.org", "2026-11-19T12:00:00Z", "models/churn/train.py", "tune churn"),
    ("Ana Silva", "ana@example.com", "2026-11-19T18:00:00Z", "README.md", "readme"),
]
AT = "2026-11-20T12:00:00Z"


def git(repo: Path, *args: str, date: str | None = None, who: tuple[str, str] | None = None) -> str:
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    if who:
        env.update(GIT_AUTHOR_NAME=who[0], GIT_AUTHOR_EMAIL=who[1],
                   GIT_COMMITTER_NAME=who[0], GIT_COMMITTER_EMAIL=who[1])
    out = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def build(repo: Path, commits=COMMITS, origin: str | None = REPO_URL) -> list[str]:
    """Create the repository; returns the full shas, in commit order."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    if origin:
        git(repo, "remote", "add", "origin", origin)
    shas = []
    for name, email, date, path, message in commits:
        f = repo / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(f"{message}\n" + (f.read_text() if f.exists() else ""))
        git(repo, "add", path)
        git(repo, "commit", "-q", "-m", message, date=date, who=(name, email))
        shas.append(git(repo, "rev-parse", "HEAD"))
    return shas


def catalog(shas: list[str]) -> dict:
    """People, and artifacts whose source is in the repository; churn@1 names the first
    commit by a short sha (filled by the import)."""
    return {
        "people": [
            {"id": "ana", "name": "Ana Silva", "email": "ana@example.com"},
            {"id": "bo", "name": "Bo Chen", "email": "bo@example.com"},
            {"id": "cy", "name": "Cy Okafor"},
            {"id": "di", "name": "Di Rossi"},
        ],
        "artifacts": [
            {"uid": "features/user", "kind": "feature_set", "owner": "cy",
             "source": {"repo": REPO_URL + ".git", "path": "features/user/"},
             "versions": [{"version": "1", "created_at": "2026-10-01T00:00:00Z"}]},
            {"uid": "models/churn", "kind": "model", "owner": "di",
             "source": {"repo": REPO_URL, "path": "models/churn"},
             "versions": [{"version": "1", "created_at": "2026-10-02T00:00:00Z",
                           "commit": {"sha": shas[0][:10]},
                           "derived_from": [{"uid": "features/user@1", "relation": "trained_on"}]}]},
        ],
    }
