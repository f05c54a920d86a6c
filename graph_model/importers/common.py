"""What every importer shares: a source mapped to a manifest-shaped document plus the
little a manifest cannot express, planned by the manifest planner, applied through the
one write path (or only planned, for ``--dry-run``).

An importer returns a ``Mapped``: the document, where each of its items came from (so a
problem names the source entry, not ``artifacts[3]``), the entries it could not map,
the ownership the source declares, and an optional extra planner for what is not a
manifest field (commit files, on-call links, watermarks). ``run`` then:

1. settles the document: schema and reference problems (found by planning against the
   store, exactly as the write will) are named by source entry; without
   ``skip_invalid`` any problem raises ``ValidationFailed`` and nothing is written,
   with it the items are left out and listed as skipped;
2. plans (dry run: with the store's reader, nothing written) or applies the same
   planner through ``write_path.apply`` as one audited unit. A second run plans no
   change, so it writes nothing ("no changes").
"""

from __future__ import annotations

import copy
import getpass
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, TypeVar

from ..errors import Problem, ValidationFailed
from ..ingest import parse
from ..ingest.manifest import plan_manifest
from ..services import declared, write_path
from ..services.audit import Change
from ..store.base import GraphStore, Reader, Statement

T = TypeVar("T")

#: extra planner: (reader, at) -> (statements, changes, targets considered)
Extra = Callable[[Reader, int], tuple[list[Statement], list[Change], set[str]]]
#: progress wrapper the CLI hands in: (items, total, label) -> the same items
Progress = Callable[[Iterable[T], "int | None", str], Iterable[T]]

_ITEM = re.compile(r"^(people|teams|artifacts)\[(\d+)\]")
CREATING = (".create", ".open", ".add", ".set", ".link", ".touch")


def no_progress(items: Iterable[T], total: int | None = None, label: str = "") -> Iterable[T]:
    return items


@dataclass
class Mapped:
    """A source read and mapped, before the graph is consulted."""

    source: str                                         # codeowners | git | backstage | mlflow
    document: dict = field(default_factory=dict)        # manifest-shaped
    origins: dict[str, list[str]] = field(default_factory=dict)  # section -> entry label per item
    problems: list[Problem] = field(default_factory=list)         # entries that cannot be mapped
    declarations: dict[tuple[str, str], list[declared.Declared]] = field(default_factory=dict)
    extra: Extra | None = None
    notes: list[str] = field(default_factory=list)
    reason: str | None = None

    def add(self, section: str, item: dict, origin: str) -> None:
        self.document.setdefault(section, []).append(item)
        self.origins.setdefault(section, []).append(origin)


@dataclass
class Outcome:
    """What an import did (or, dry, would do)."""

    source: str
    dry_run: bool
    changes: list[Change]
    left_alone: list[str]
    skipped: list[Problem]
    notes: list[str]
    summary: write_path.WriteSummary | None = None

    @property
    def created(self) -> list[Change]:
        return [c for c in self.changes if c.action.endswith(CREATING)]

    @property
    def changed(self) -> list[Change]:
        return [c for c in self.changes if not c.action.endswith(CREATING)]


def operator() -> str:
    """The person running the command, as the CLI records them."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user database entry (containers)
        return "cli:unknown"


def actor_for(source: str, who: str | None = None) -> str:
    """``import:<source> by <operator>``: the source and who ran it, in one audit actor."""
    return f"import:{source} by {who or operator()}"


def planner(mapped: Mapped, draft: parse.Draft) -> Callable[[Reader, int], write_path.ChangePlan]:
    """The one planner of an import: manifest, then extras, then declarations (they need
    the artifacts that the statements before them create)."""
    m = draft.manifest
    has_document = bool(m.people or m.teams or m.artifacts)

    def plan(reader: Reader, at: int) -> write_path.ChangePlan:
        cp = plan_manifest(draft, reader, at) if has_document else write_path.ChangePlan()
        if mapped.extra:
            stmts, changes, _ = mapped.extra(reader, at)
            cp.statements += stmts
            cp.changes += changes
        if mapped.declarations:
            stmts, changes = declared.plan(with_document(reader, m), at, mapped.declarations,
                                           details={"imported_from": mapped.source})
            cp.statements += stmts
            cp.changes += changes
        return cp
    return plan


def with_document(reader: Reader, m) -> Reader:
    """``reader`` that also sees the people and teams the document creates in the same
    unit, for the lookups declarations resolve holders with (by id, e-mail, team name):
    otherwise a declaration naming a person or team created by the same import would
    resolve only on the next run, and a second run would not be a no-op."""
    people = {p.id: p for p in m.people}
    teams = {t.id: t for t in m.teams}

    def read(name: str, **params):
        rows = reader(name, **params)
        if name == "people_by_ids":
            have = {r["id"] for r in rows}
            rows += [{"id": i} for i in params["ids"] if i in people and i not in have]
        elif name == "teams_by_ids":
            have = {r["id"] for r in rows}
            rows += [{"id": i} for i in params["ids"] if i in teams and i not in have]
        elif name == "people_by_emails":
            wanted = set(params["emails"])
            rows += [{"alias": p.email.lower(), "id": p.id} for p in people.values()
                     if p.email and p.email.lower() in wanted]
        elif name == "teams_by_names":
            wanted = set(params["names"])
            rows += [{"alias": t.name.lower(), "id": t.id} for t in teams.values() if t.name.lower() in wanted]
        return rows
    return read


def _label(mapped: Mapped, p: Problem) -> tuple[tuple[str, int] | None, Problem]:
    m = _ITEM.match(p.path)
    if not m:
        return None, p
    section, i = m.group(1), int(m.group(2))
    origins = mapped.origins.get(section) or []
    origin = origins[i] if i < len(origins) else p.path
    rest = p.path[m.end():].lstrip(".")
    return (section, i), Problem(origin + (f" ({rest})" if rest else ""), p.message)


def _without(document: dict, origins: dict, drop: set[tuple[str, int]]) -> tuple[dict, dict]:
    doc, orig = copy.copy(document), dict(origins)
    for section in ("people", "teams", "artifacts"):
        gone = {i for s, i in drop if s == section}
        if gone and section in doc:
            doc[section] = [x for i, x in enumerate(doc[section]) if i not in gone]
            orig[section] = [x for i, x in enumerate(orig.get(section, [])) if i not in gone]
    return doc, orig


def settle(store: GraphStore, mapped: Mapped, skip_invalid: bool, at: int) -> tuple[parse.Draft, list[Problem]]:
    """The document's draft with every problem named by source entry; raises unless
    ``skip_invalid``, else leaves the bad items out and returns them as skipped."""
    skipped = list(mapped.problems)
    if skipped and not skip_invalid:
        raise ValidationFailed(skipped)
    for _ in range(5):  # leaving an item out can only remove references: settles fast
        draft = parse.check(dict(mapped.document, **({"reason": mapped.reason} if mapped.reason else {})))
        problems = list(draft.problems)
        if not problems:
            try:
                planner(mapped, draft)(store.read, at)
                return draft, skipped
            except ValidationFailed as e:
                problems = e.problems
        located = [_label(mapped, p) for p in problems]
        if not skip_invalid or any(where is None for where, _ in located):
            raise ValidationFailed(skipped + [p for _, p in located])
        skipped += [p for _, p in located]
        mapped.document, mapped.origins = _without(mapped.document, mapped.origins,
                                                   {where for where, _ in located})
    raise ValidationFailed(skipped)


def _targets(draft: parse.Draft) -> list[str]:
    m = draft.manifest
    out = [p.id for p in m.people] + [t.id for t in m.teams] + [a.uid for a in m.artifacts]
    out += [f"{a.uid}@{v.version}" for a in m.artifacts for v in a.versions]
    return out


def run(store: GraphStore, mapped: Mapped, *, dry_run: bool = False, skip_invalid: bool = False,
        actor: str | None = None, at: int | None = None) -> Outcome:
    """Plan ``mapped`` against the store and apply it as one audited unit (or, with
    ``dry_run``, only plan it: the same planner, the store's reader, nothing written)."""
    at = write_path.now_ms() if at is None else at
    draft, skipped = settle(store, mapped, skip_invalid, at)
    plan = planner(mapped, draft)
    considered = _targets(draft) + sorted({uid for uid, _ in mapped.declarations})
    if mapped.extra:
        considered += sorted(mapped.extra(store.read, at)[2])
    if dry_run:
        changes = plan(store.read, at).changes
        summary = None
    else:
        captured: list[Change] = []

        def recording(reader: Reader, when: int) -> write_path.ChangePlan:
            cp = plan(reader, when)
            captured[:] = cp.changes
            return cp
        summary = write_path.apply(store, recording, actor=actor or actor_for(mapped.source),
                                   reason=mapped.reason, at=at)
        changes = captured
    touched = {c.target for c in changes}
    left = [t for t in dict.fromkeys(considered) if t not in touched]
    return Outcome(mapped.source, dry_run, changes, left, skipped, mapped.notes, summary)

