"""The governance policy: which rules apply to which artifacts, how strict, how often.

A policy file (YAML or JSON) overlays the built-in policy (``DEFAULT``): a rule it names
takes the fields it gives (the others keep their defaults), a rule it does not name keeps
its default, and ``enabled: false`` turns one off. ``reviews``, when given, replaces the
built-in review cadences whole (cadences are a list; merging lists would leave no way to
drop one). So a team that wants one stricter threshold writes three lines, not the
whole policy.

Why overlay rather than "the file is the whole policy": a CI job that pins a file would
otherwise silently lose every rule added to the built-in policy later.

The file is read with the manifest's bounded decoder (``ingest.decode``: no alias bombs,
no custom tags, duplicate keys reported) and validated with pydantic; every problem is
reported at once with its path (``rules.runbook.severity``), as ``PolicyError``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import Problem, ValidationFailed
from ..ingest import decode, tree
from ..schema import Kind
from .recorded_reviews import KINDS as REVIEW_KINDS

Severity = Literal["error", "warning"]
KindName = Literal[tuple(k.value for k in Kind)]
MAX_DAYS = 3650


class PolicyError(ValidationFailed):
    """A policy file that cannot be used; ``problems`` name each path (the CLI exits 2)."""


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scope(_Closed):
    """Which artifacts: every criterion given must match (a criterion matches when the
    artifact has any of its values); an empty scope matches every artifact."""

    kinds: list[KindName] = []
    tags: list[str] = []
    namespaces: list[str] = []

    def matches(self, kind: str, tags, namespace: str) -> bool:
        return ((not self.kinds or kind in self.kinds)
                and (not self.tags or any(t in self.tags for t in tags))
                and (not self.namespaces or namespace in self.namespaces))


def _scopes(value: Any) -> Any:
    """A scope may be one mapping or a list of them (the rule applies under any)."""
    return [value] if isinstance(value, dict) else value


class Rule(_Closed):
    """One built-in rule as the policy sets it (``scope`` empty: every artifact)."""

    id: str
    description: str
    severity: Severity
    enabled: bool = True
    scope: list[Scope] = []
    thresholds: dict[str, int] = {}

    def applies(self, kind: str, tags, namespace: str) -> bool:
        return self.enabled and (not self.scope or any(s.matches(kind, tags, namespace) for s in self.scope))


class Cadence(_Closed):
    """A recorded review of ``kind`` is due every ``every_days`` on the artifacts in scope;
    the newest one must be no older and must not have failed (``waived`` passes)."""

    kind: Literal[REVIEW_KINDS]
    every_days: int = Field(ge=1, le=MAX_DAYS)
    severity: Severity = "error"
    scope: list[Scope] = []

    @field_validator("scope", mode="before")
    @classmethod
    def _lift(cls, value: Any) -> Any:
        return _scopes(value)

    @property
    def id(self) -> str:
        return f"review-{self.kind.replace('_', '-')}"

    def applies(self, kind: str, tags, namespace: str) -> bool:
        return not self.scope or any(s.matches(kind, tags, namespace) for s in self.scope)


class RuleSettings(_Closed):
    """What a policy file may set on a rule (absent fields keep the built-in value)."""

    severity: Optional[Severity] = None
    enabled: Optional[bool] = None
    scope: Optional[list[Scope]] = None
    thresholds: Optional[dict[str, int]] = None

    @field_validator("scope", mode="before")
    @classmethod
    def _lift(cls, value: Any) -> Any:
        return _scopes(value)


class PolicyFile(_Closed):
    version: Literal[1] = 1
    rules: dict[str, RuleSettings] = {}
    reviews: Optional[list[Cadence]] = None


class Policy(_Closed):
    """The policy in force: every built-in rule with its settings, and the cadences."""

    source: str
    rules: list[Rule]
    reviews: list[Cadence]

    def rule(self, rid: str) -> Rule:
        return next(r for r in self.rules if r.id == rid)


# id -> (description, severity, scope, thresholds): the built-in rules, in check order
_S = Scope
BUILTIN: dict[str, tuple[str, str, list[Scope], dict[str, int]]] = {
    "primary-owner": ("an active primary owner", "error", [], {}),
    "steward": ("at least `min_active` active stewards (deputies)", "warning", [], {"min_active": 1}),
    "team-escalation": ("an accountable team whose escalation list holds at least `min_active` active "
                        "people", "error", [], {"min_active": 1}),
    "owners-left": ("not an artifact whose owners (primary and stewards) have all left", "error", [], {}),
    "dataset-lineage": ("lineage (on any of its versions, through any number of steps) to at least one "
                        "dataset version", "error", [_S(kinds=["model", "deployment"])], {}),
    "recent-run-log": ("its newest version was produced by a run with a log that ran in the last "
                       "`max_age_days` days", "warning", [_S(kinds=["model"])], {"max_age_days": 30}),
    "evaluated": ("a deployment's newest version runs a model version that has an evaluation (an "
                  "`evaluation` artifact's version derived from it); on a model, its newest version has one",
                  "error", [_S(kinds=["deployment"])], {}),
    "runbook": ("a `runbook` link", "error", [_S(kinds=["deployment"]), _S(tags=["tier-1"])], {}),
    "ownership-review": ("the primary ownership is not past its review-by date", "warning", [], {}),
    "reviews": ("every review cadence that applies (see `reviews`) is met: the newest recorded review of "
                "that kind is no older than the cadence and did not fail", "error", [], {}),
}

DEFAULT_CADENCES = (
    Cadence(kind="drift", every_days=30, severity="error", scope=[_S(kinds=["model"], tags=["tier-1"])]),
    Cadence(kind="performance", every_days=90, severity="error", scope=[_S(kinds=["model"], tags=["tier-1"])]),
    Cadence(kind="bias", every_days=180, severity="warning", scope=[_S(kinds=["model"], tags=["tier-1"])]),
)


def _builtin_rules() -> list[Rule]:
    return [Rule(id=rid, description=d, severity=sev, scope=scope, thresholds=th)
            for rid, (d, sev, scope, th) in BUILTIN.items()]


DEFAULT = Policy(source="built-in", rules=_builtin_rules(), reviews=list(DEFAULT_CADENCES))


def _problems(e: ValidationError) -> list[Problem]:
    return [Problem(tree.join_path(err["loc"]) or "policy", err["msg"].removeprefix("Value error, "))
            for err in e.errors()]


def _unknown_names(data: dict) -> list[Problem]:
    """Rule ids and threshold names the built-in rules do not have (read from the raw
    data, so they are reported together with the schema's problems)."""
    rules = data.get("rules")
    if not isinstance(rules, dict):
        return []
    out = []
    for rid, given in rules.items():
        if rid not in BUILTIN:
            out.append(Problem(f"rules.{rid}", f"unknown rule (the rules are: {', '.join(BUILTIN)})"))
            continue
        known = BUILTIN[rid][3]
        thresholds = given.get("thresholds") if isinstance(given, dict) else None
        for key in thresholds if isinstance(thresholds, dict) else ():
            if key not in known:
                out.append(Problem(f"rules.{rid}.thresholds.{key}",
                                   f"unknown threshold (this rule takes: {', '.join(known) or 'none'})"))
    return out


def from_data(data: Any, source: str) -> Policy:
    """The policy in force for a decoded policy file (``DEFAULT`` overlaid).

    Raises:
        PolicyError: every problem, each with its path in the file.
    """
    problems = tree.check_tree(data)
    if problems:
        raise PolicyError(problems)
    if not isinstance(data, dict):
        raise PolicyError([Problem("policy", "must be a mapping with `rules` and/or `reviews`")])
    problems = _unknown_names(data)
    try:
        f = PolicyFile.model_validate(data)
    except ValidationError as e:
        raise PolicyError(problems + _problems(e)) from e
    rules = []
    for rule in _builtin_rules():
        given = f.rules.get(rule.id)
        if given is None:
            rules.append(rule)
            continue
        thresholds = dict(rule.thresholds)
        for key, value in (given.thresholds or {}).items():
            if key in rule.thresholds and not 0 <= value <= MAX_DAYS:
                problems.append(Problem(f"rules.{rule.id}.thresholds.{key}",
                                        f"must be between 0 and {MAX_DAYS}, got {value}"))
            thresholds[key] = value
        rules.append(rule.model_copy(update={k: v for k, v in (
            ("severity", given.severity), ("enabled", given.enabled), ("scope", given.scope),
            ("thresholds", thresholds)) if v is not None}))
    seen: dict[tuple, int] = {}
    for i, c in enumerate(f.reviews or []):
        key = (c.kind, repr(c.scope))
        if key in seen:
            problems.append(Problem(f"reviews[{i}]", f"repeats reviews[{seen[key]}] (same kind and scope)"))
        seen.setdefault(key, i)
    if problems:
        raise PolicyError(problems)
    cadences = list(DEFAULT_CADENCES) if f.reviews is None else list(f.reviews)
    return Policy(source=source, rules=rules, reviews=cadences)


def load_text(text: str, source: str = "policy") -> Policy:
    """Decode and validate policy text (YAML or JSON)."""
    try:
        data = decode.decode(text, source)
    except ValidationFailed as e:
        raise PolicyError(e.problems) from e
    return from_data(data, source)


def load_file(path: str | Path) -> Policy:
    """Read and validate a policy file.

    Raises:
        PolicyError: unreadable file or any problem in it, each with its path.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise PolicyError([Problem(str(p), f"cannot read the policy file: {e}")]) from e
    return load_text(text, str(p))


def describe() -> list[dict]:
    """The built-in policy as data (for docs and ``ownergraph check --show-policy``)."""
    return [{"id": r.id, "severity": r.severity, "scope": [s.model_dump(exclude_defaults=True) for s in r.scope],
             "thresholds": r.thresholds, "description": r.description} for r in DEFAULT.rules]


_loaded: dict[str, tuple[float, Policy]] = {}


def active(path: str | Path | None = None) -> Policy:
    """The policy in force: ``path`` when given, else the file named by the environment
    variable ``OWNERGRAPH_POLICY``, else the built-in policy. The server, the flags of its
    answers and ``ownergraph check`` without ``--policy`` all read it this way. A file is
    read again only when its modification time changes (every incident answer asks)."""
    chosen = str(path or os.environ.get("OWNERGRAPH_POLICY") or "")
    if not chosen:
        return DEFAULT
    try:
        mtime = os.stat(chosen).st_mtime
    except OSError:
        mtime = -1.0
    got = _loaded.get(chosen)
    if got is None or got[0] != mtime:
        got = _loaded[chosen] = (mtime, load_file(chosen))
    return got[1]
