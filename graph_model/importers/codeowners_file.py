"""CODEOWNERS -> declared owners of the artifacts whose code is in that repository.

The file is read by the ``codeowners`` package (GitHub and GitLab syntax: last matching
rule wins, anchored and unanchored patterns, a rule with no owners clears ownership,
GitLab sections). For each artifact whose ``source`` is in ``--repo``, the owners of
its ``source.path`` (a directory is written with a trailing '/') become a declaration
by ``CODEOWNERS``:

- ``@user`` -> the person whose ``handle`` is ``user``; an e-mail -> the person with
  that e-mail (both case-insensitive); the first person listed is declared ``primary``,
  the others ``steward``;
- ``@org/team`` -> the team whose id (or name) is ``team``.

A declaration fills an empty slot and is otherwise shown as a difference
(``services.declared``). Handles and e-mails that match nobody are kept as written
(shown as "unknown person") and reported. An owner that is none of the three forms is
an entry that cannot be mapped: nothing is written, unless ``--skip-invalid``, which
drops that owner from its rule (the rule itself stays, so last-match-wins is kept).
"""

from __future__ import annotations

from pathlib import Path

import codeowners

from ..errors import Problem, ValidationFailed
from ..services.declared import Declared
from ..store.base import Reader
from .common import Mapped
from .directory import People, sources_in

SOURCE = "CODEOWNERS"


def read(path: str | Path) -> str:
    p = Path(path)
    try:
        return p.read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise ValidationFailed([Problem(str(p), f"cannot read: {e.strerror}")]) from e
    except UnicodeDecodeError as e:
        raise ValidationFailed([Problem(str(p), f"not UTF-8 text (byte {e.start})")]) from e


def bad_owners(text: str, label: str) -> list[Problem]:
    """Owner tokens that are not ``@user``, ``@org/team`` or an e-mail, by line."""
    problems = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#") or (line.startswith(("[", "^[")) and line.endswith("]")):
            continue
        for token in line.replace("\\ ", "\0").split()[1:]:
            if token.startswith("#"):
                break
            if codeowners.parse_owner(token) is None:
                problems.append(Problem(f"{label} line {n}", f"owner {token!r} is not @user, "
                                                             f"@org/team or an e-mail"))
    return problems


def _team(reader: Reader, slug: str) -> bool:
    return bool(reader("teams_by_ids", ids=[slug]))


def map_file(text: str, label: str, repo: str, reader: Reader) -> Mapped:
    """Declarations for every artifact with code in ``repo``; ``reader`` reads the store."""
    mapped = Mapped("codeowners", problems=bad_owners(text, label))
    rules = codeowners.CodeOwners(text)
    people = People.read(reader)
    sources = sources_in(reader, repo)
    if not sources:
        mapped.notes.append(f"no artifact declares a source in {repo}: nothing to declare")
    unmatched: dict[str, int] = {}
    declared_before = _declared_before(reader, [s.uid for s in sources])
    for s in sorted(sources, key=lambda s: s.uid):
        owners, line, _, _ = rules.matching_line(s.path)
        out: list[Declared] = []
        persons = 0
        for kind, name in owners:
            if kind == "TEAM":
                slug = name.split("/", 1)[1]
                out.append(Declared("team", slug if _team(reader, slug) else name, "team"))
                continue
            pid = people.handle(name) if kind == "USERNAME" else people.email(name)
            if pid is None:
                unmatched.setdefault(name, line)
            out.append(Declared("primary" if persons == 0 else "steward", pid or name, "person"))
            persons += 1
        if out or s.uid in declared_before:
            mapped.declarations[(s.uid, SOURCE)] = out
    for name, line in sorted(unmatched.items(), key=lambda kv: kv[1]):
        what = "handle" if name.startswith("@") else "e-mail"
        mapped.notes.append(f"{label} line {line}: {name} matches nobody (no person has that {what})")
    return mapped


def _declared_before(reader: Reader, uids: list[str]) -> set[str]:
    """Artifacts this source declared before: a rule that now matches nothing clears
    their declaration (others get none, rather than an empty one)."""
    out = set()
    for i in range(0, len(uids), 500):
        for r in reader("declaration_state", uids=uids[i:i + 500]):
            if any(d.get("source") == SOURCE for d in r.get("declarations") or []):
                out.add(r["uid"])
    return out
