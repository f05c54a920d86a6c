"""Finding people and code locations the way sources name them.

A source names a person by e-mail (git, CODEOWNERS, MLflow ``user_id``) or by code-host
handle (``@ana-s``); both compare case-insensitively, as mail and code hosts do. A
repository is named by different URLs for the same place (``https://host/org/repo.git``,
``git@host:org/repo``): ``repo_key`` reduces each to ``host/org/repo``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..store.base import Reader

_SCP = re.compile(r"^[^@/\s]+@([^:/\s]+):(?!//)(.+)$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^@/]*@)?([^/:]*)(?::\d+)?(/.*)?$")


def repo_key(url: str | None) -> str | None:
    """``host/path`` of a repository URL, lower-case, without ``.git`` or a trailing '/'."""
    if not url:
        return None
    text = url.strip()
    m = _SCP.match(text) or _URL.match(text)
    if not m:
        return None
    host, path = m.group(1), (m.group(2) or "")
    path = path.strip("/")
    path = path[:-4] if path.endswith(".git") else path
    return f"{host}/{path}".lower() if host else f"/{path}".lower()


@dataclass
class People:
    """Every person, indexed by lower-case e-mail and handle."""

    by_email: dict[str, str] = field(default_factory=dict)
    by_handle: dict[str, str] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, reader: Reader) -> "People":
        out = cls()
        for r in reader("people_directory"):
            out.ids.add(r["id"])
            if r.get("email"):
                out.by_email.setdefault(r["email"].lower(), r["id"])
            if r.get("handle"):
                out.by_handle.setdefault(r["handle"].lower(), r["id"])
        return out

    def email(self, value: str | None) -> str | None:
        return self.by_email.get(value.lower()) if value else None

    def handle(self, value: str | None) -> str | None:
        return self.by_handle.get(value.lstrip("@").lower()) if value else None


@dataclass(frozen=True)
class CodeSource:
    uid: str
    repo: str
    path: str


def code_sources(reader: Reader) -> list[CodeSource]:
    """Artifacts that say where their code is: the manifest's ``source`` first, else
    OpenLineage's ``sourceCodeLocation`` facet (``repoUrl`` or ``url``, and ``path``)."""
    out = []
    for r in reader("artifact_code_sources"):
        if r.get("source_repo") and r.get("source_path"):
            out.append(CodeSource(r["uid"], r["source_repo"], r["source_path"]))
            continue
        try:
            facets = json.loads(r["lineage"]).get("facets") or {} if r.get("lineage") else {}
        except (ValueError, AttributeError):
            continue
        loc = (facets.get("sourceCodeLocation") or {}).get("value") or {}
        repo, path = loc.get("repoUrl") or loc.get("url"), loc.get("path")
        if isinstance(repo, str) and isinstance(path, str) and path.strip("/"):
            out.append(CodeSource(r["uid"], repo, path.lstrip("/")))
    return out


def sources_in(reader: Reader, repo: str) -> list[CodeSource]:
    key = repo_key(repo)
    return [s for s in code_sources(reader) if repo_key(s.repo) == key]
