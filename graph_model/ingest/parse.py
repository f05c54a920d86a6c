"""Turns manifest text (YAML or JSON) or decoded data into a checked ``Draft``.

All problems are collected together, each with a path such as
``artifacts[3].versions[0].kind``, so a user fixes a file in one pass: the shape of the
document (``tree``), each item's schema, duplicate ids; then ``manifest.ingest`` adds the
reference problems of the same document (found on the raw data, so an item that failed
its schema still has its owner checked) and raises them all at once.

Entry points for the faces (they map ``ValidationFailed`` to 400 / exit 2):
``read_bytes`` (a request body), ``read_file`` (a path), ``read_text``; each returns a
``Draft`` for ``manifest.ingest``. ``validate`` / ``load_text`` / ``load_file`` return a
``Manifest`` and raise on any schema problem (callers with data built in code).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem, ValidationFailed
from ..schema import Artifact, Kind, Manifest, Person, Team
from .checks import duplicates
from .decode import decode
from .tree import check_tree, join_path

SECTIONS: dict[str, tuple[type[BaseModel], str]] = {
    "people": (Person, "id"), "teams": (Team, "id"), "artifacts": (Artifact, "uid")}

format_loc = join_path


@dataclass
class Draft:
    """A decoded manifest: the items that passed their schema, what did not, and the
    document as written (reference checks read it)."""

    raw: dict
    manifest: Manifest
    problems: list[Problem] = field(default_factory=list)
    kept: dict[str, list[int]] = field(default_factory=dict)  # section -> index in ``raw``

    def path(self, section: str, i: int) -> str:
        """Path of ``manifest.<section>[i]`` in the document as written."""
        return f"{section}[{self.kept[section][i]}]"

    def raise_problems(self) -> None:
        if self.problems:
            raise ValidationFailed(self.problems)

    @classmethod
    def of(cls, m: Manifest) -> "Draft":
        """A draft for a manifest validated elsewhere (every item kept). Its ``raw`` holds
        only what the reference checks read (a full ``model_dump`` cost 0.6 s per 2,000
        artifacts)."""
        raw = {
            "people": [{"id": p.id} for p in m.people],
            "teams": [{"id": t.id, "members": t.members, "escalation": t.escalation} for t in m.teams],
            "artifacts": [{"uid": a.uid, "owner": a.owner, "stewards": a.stewards, "team": a.team,
                           "versions": [{"version": v.version,
                                         "commit": {"author": v.commit.author} if v.commit else None,
                                         "derived_from": [{"uid": d.uid} for d in v.derived_from]}
                                        for v in a.versions]} for a in m.artifacts],
        }
        return cls(raw, m, [], {s: list(range(len(raw[s]))) for s in SECTIONS})


def _schema_problems(e: ValidationError, prefix: tuple = ()) -> list[Problem]:
    problems = []
    for err in e.errors():
        if err["type"] == "string_unicode" or err["loc"][-1:] == ("[key]",):
            continue  # a lone surrogate or a key that is not text: check_tree reports it
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        problems.append(Problem(join_path(prefix + tuple(err["loc"])), msg))
    return problems


def check(data: Any) -> Draft:
    """Check decoded data item by item; schema problems are kept in the draft.

    Raises:
        ValidationFailed: at once when the document is empty, not a mapping, or nested
        too deep to validate safely.
    """
    if data is None:
        raise ValidationFailed([Problem("", "empty manifest (no people, teams or artifacts)")])
    if not isinstance(data, dict):
        raise ValidationFailed([Problem("", f"a manifest is a mapping with people, teams and "
                                            f"artifacts, not a {type(data).__name__}")])
    problems = check_tree(data)
    if any("nested deeper" in p.message for p in problems):
        raise ValidationFailed(problems)
    shell = {k: v for k, v in data.items()
             if not (k in SECTIONS and isinstance(v, list)) and not _extension(k)}
    problems += _unknown_kinds(shell)
    kept: dict[str, list[int]] = {}
    items: dict[str, list] = {}
    for section, (model, _) in SECTIONS.items():
        kept[section], items[section] = [], []
        raw_items = data.get(section)
        if not isinstance(raw_items, list):
            continue
        for i, item in enumerate(raw_items):
            try:
                items[section].append(model.model_validate(item))
                kept[section].append(i)
            except ValidationError as e:
                problems += _schema_problems(e, (section, i))
    reason, kind_playbooks = None, {}
    try:
        top = Manifest.model_validate(shell)
        reason, kind_playbooks = top.reason, top.kind_playbooks
    except ValidationError as e:
        problems += _schema_problems(e)
    problems += section_duplicates(data)
    fields = {"reason": reason} if "reason" in data else {}
    if "kind_playbooks" in data:
        fields["kind_playbooks"] = kind_playbooks
    manifest = Manifest(**fields, **items)
    return Draft(data, manifest, problems, kept)


def _unknown_kinds(shell: dict) -> list[Problem]:
    """``kind_playbooks`` keys that name no kind, each at its own path; they are left out
    of ``shell`` so the playbooks under the known kinds are still checked."""
    given = shell.get("kind_playbooks")
    if not isinstance(given, dict):
        return []
    kinds = [k.value for k in Kind]
    bad = [k for k in given if k not in kinds]
    shell["kind_playbooks"] = {k: v for k, v in given.items() if k not in bad}
    return [Problem(join_path(("kind_playbooks", k)), f"{k!r} is not a kind (one of {', '.join(kinds)})")
            for k in bad]


def _extension(key: Any) -> bool:
    """Top-level ``x-...`` keys are ignored: a place for YAML anchors (``x-defaults: &d``)."""
    return isinstance(key, str) and key.startswith("x-")


def section_duplicates(data: dict) -> list[Problem]:
    """People, teams and artifacts named twice, on the raw data so that items that
    failed their schema still count."""
    problems = []
    for section, (_, key) in SECTIONS.items():
        items = data.get(section)
        if isinstance(items, list):
            keyed = ((i, item[key]) for i, item in enumerate(items)
                     if isinstance(item, dict) and isinstance(item.get(key), str))
            problems += duplicates(keyed, section, key)
    return problems


def validate(data: Any) -> Manifest:
    """Validate decoded data against the manifest schema; raise every problem at once."""
    draft = check(data)
    draft.raise_problems()
    return draft.manifest


def read_text(text: str, source: str = "manifest") -> Draft:
    """Decode and check manifest text (YAML or JSON); see ``decode`` for the limits."""
    return check(decode(text, source))


def read_bytes(body: bytes, source: str = "body") -> Draft:
    """A manifest as received (an HTTP body): UTF-8 (a BOM is allowed), else refused."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValidationFailed([Problem(source, f"not UTF-8 text (byte {e.start})")]) from e
    return read_text(text, source)


def read_file(path: str | Path) -> Draft:
    p = Path(path)
    try:
        body = p.read_bytes()
    except OSError as e:
        raise ValidationFailed([Problem(str(p), f"cannot read: {e.strerror}")]) from e
    return read_bytes(body, str(p))


def load_text(text: str, source: str = "manifest") -> Manifest:
    draft = read_text(text, source)
    draft.raise_problems()
    return draft.manifest


def load_file(path: str | Path) -> Manifest:
    draft = read_file(path)
    draft.raise_problems()
    return draft.manifest

