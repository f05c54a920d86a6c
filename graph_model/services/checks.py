"""``ownergraph check``: every artifact against the policy, with coverage and violations.

One bulk read of the catalogue (``policy_facts``), then every rule that applies to each
artifact (``rules``). Coverage is counted per rule (artifacts in scope, passing), per
team and per kind (rule checks applied, passed), so a manager sees where ownership
decays before an incident does. ``ok`` is false when any error-severity violation
remains; warnings are reported, never failing.
"""

from __future__ import annotations

from ..clock import now_ms
from ..errors import BadParameter, NotFound
from ..schema import Kind, from_epoch_ms
from ..store.base import GraphStore
from . import policy as policy_mod
from . import policy_facts, rules
from .policy import Policy
from .policy_facts import ArtifactFacts, Facts

NO_TEAM = "(no team)"


def check_filters(kind: str | None) -> None:
    if kind is not None and kind not in {k.value for k in Kind}:
        raise BadParameter("kind", f"{kind!r} is not one of {', '.join(k.value for k in Kind)}")


def applicable(policy: Policy, a: ArtifactFacts, memo: dict | None = None) -> tuple[list, list]:
    """The rules and review cadences whose scope holds ``a``. Scopes depend only on kind,
    tags and namespace, and a catalogue has few distinct combinations of those, so
    ``memo`` keeps the answer per combination (at 10k artifacts this took the rules'
    time from 0.7 s to a few tenths)."""
    key = (a.kind, tuple(a.tags), a.namespace)
    got = memo.get(key) if memo is not None else None
    if got is None:
        got = ([r for r in policy.rules if r.applies(a.kind, a.tags, a.namespace)],
               [c for c in policy.reviews if c.applies(a.kind, a.tags, a.namespace)])
        if memo is not None:
            memo[key] = got
    return got


def results_of(a: ArtifactFacts, f: Facts, policy: Policy, at: int, version: str | None = None,
               memo: dict | None = None) -> list[tuple[str, str, str | None, str | None]]:
    """Every rule (and review cadence) that applies to ``a``: ``(rule, severity,
    review_kind, reason)``, reason None when it passes. ``version``: judge that version
    instead of the newest (the deploy gate)."""
    out = []
    in_scope, cadences = applicable(policy, a, memo)
    for rule in in_scope:
        if rule.id == "reviews":
            for c in cadences:
                out.append((rule.id, c.severity, c.kind, rules.cadence(a, f, c, at)))
            continue
        out.append((rule.id, rule.severity, None, rules.CHECKS[rule.id](a, f, rule, at, version)))
    return out


def _violation(a: ArtifactFacts, rule: str, severity: str, message: str, review_kind: str | None = None) -> dict:
    return {"rule": rule, "severity": severity, "uid": a.uid, "kind": a.kind, "namespace": a.namespace,
            "owner": a.primary[0] if a.primary else None, "stewards": list(a.stewards),
            "team": a.teams[0] if a.teams else None, "review_kind": review_kind, "message": message}


def _bucket(table: dict, key, applied: int, failed: int, errors: int, warnings: int) -> None:
    row = table.setdefault(key, {"applies": 0, "passing": 0, "errors": 0, "warnings": 0, "artifacts": 0})
    row["applies"] += applied
    row["passing"] += applied - failed
    row["errors"] += errors
    row["warnings"] += warnings
    row["artifacts"] += 1


def _coverage(passing: int, applies: int) -> float | None:
    return round(passing / applies, 4) if applies else None


def evaluate(store: GraphStore, policy: Policy | None = None, *, kind: str | None = None,
             team: str | None = None, namespace: str | None = None, at: int | None = None,
             facts: Facts | None = None) -> dict:
    """Check every artifact (of ``kind``, accountable ``team``, ``namespace``) against ``policy``.

    Returns:
        ``{"at", "policy", "filters", "ok", "artifacts", "counts", "coverage", "rules",
        "by_team", "by_kind", "violations"}``; violations errors first, then by rule and uid.

    Raises:
        BadParameter: an unknown kind. NotFound: an unknown team.
    """
    policy = policy or policy_mod.DEFAULT
    check_filters(kind)
    at = now_ms() if at is None else at
    f = facts or policy_facts.load(store)
    if team is not None and team not in f.escalation:
        raise NotFound(f"unknown team {team!r}")
    per_rule = {r.id: {"applies": 0, "passing": 0} for r in policy.rules}
    by_team: dict = {}
    by_kind: dict = {}
    violations: list[dict] = []
    checked = 0
    memo: dict = {}
    for a in sorted(f.artifacts.values(), key=lambda a: a.uid):
        if ((kind and a.kind != kind) or (team and team not in a.teams)
                or (namespace is not None and a.namespace != namespace)):
            continue
        checked += 1
        results = results_of(a, f, policy, at, memo=memo)
        applied = list(dict.fromkeys(r[0] for r in results))
        found = [_violation(a, rid, sev, reason, review_kind=rk) for rid, sev, rk, reason in results if reason]
        failed_rules = {v["rule"] for v in found}
        for rid in applied:
            per_rule[rid]["applies"] += 1
            per_rule[rid]["passing"] += rid not in failed_rules
        errors = sum(v["severity"] == "error" for v in found)
        args = (len(applied), len(failed_rules), errors, len(found) - errors)
        _bucket(by_team, a.teams[0] if a.teams else NO_TEAM, *args)
        _bucket(by_kind, a.kind, *args)
        violations.extend(found)
    order = {r.id: i for i, r in enumerate(policy.rules)}
    violations.sort(key=lambda v: (v["severity"] != "error", order[v["rule"]], v["uid"], v["review_kind"] or ""))
    errors = sum(v["severity"] == "error" for v in violations)
    applies = sum(r["applies"] for r in per_rule.values())
    passing = sum(r["passing"] for r in per_rule.values())
    return {
        "at": from_epoch_ms(at),
        "policy": policy.source,
        "filters": {"kind": kind, "team": team, "namespace": namespace},
        "ok": errors == 0,
        "artifacts": checked,
        "counts": {"errors": errors, "warnings": len(violations) - errors,
                   "artifacts_with_errors": len({v["uid"] for v in violations if v["severity"] == "error"}),
                   "checks": applies, "passing": passing},
        "coverage": _coverage(passing, applies),
        "rules": [{"id": r.id, "description": r.description, "severity": r.severity, "enabled": r.enabled,
                   **per_rule[r.id], "coverage": _coverage(per_rule[r.id]["passing"], per_rule[r.id]["applies"])}
                  for r in policy.rules],
        "by_team": _rows(by_team, "team"),
        "by_kind": _rows(by_kind, "kind"),
        "violations": violations,
    }


def _rows(table: dict, key: str) -> list[dict]:
    rows = [{key: k, **v, "coverage": _coverage(v["passing"], v["applies"])} for k, v in table.items()]
    rows.sort(key=lambda r: (r["coverage"] if r["coverage"] is not None else 2, r[key]))
    return rows
