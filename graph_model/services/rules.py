"""The built-in policy rules, each a function of one artifact's facts.

Each rule answers None (the artifact passes) or the reason it does not, in words a
responder can act on. They read only ``policy_facts.Facts`` (no store), so the check of a
whole catalogue is the bulk read plus a loop, and the deploy gate can ask the same rules
about one version. Rule ids, meanings and default settings are ``policy.BUILTIN``.
"""

from __future__ import annotations

from typing import Callable

from ..clock import DAY_MS
from ..schema import from_epoch_ms
from . import risk
from .policy import Cadence, Policy, Rule
from .policy_facts import ArtifactFacts, Facts

Check = Callable[[ArtifactFacts, Facts, Rule, int, "str | None"], "str | None"]


def _names(ids: list[str]) -> str:
    return ", ".join(ids)


def primary_owner(a, f, rule, at, version):
    if not a.primary:
        return "no primary owner"
    if not any(f.is_active(p) for p in a.primary):
        return f"primary owner {_names(a.primary)} has left"
    return None


def steward(a, f, rule, at, version):
    need = rule.thresholds.get("min_active", 1)
    n = sum(f.is_active(s) for s in a.stewards)
    if n >= need:
        return None
    if not a.stewards:
        return "no steward"
    return f"{n} active steward{'s' * (n != 1)} ({_names(a.stewards)} named), {need} needed"


def team_escalation(a, f, rule, at, version):
    if not a.teams:
        return "no accountable team"
    need = rule.thresholds.get("min_active", 1)
    for t in a.teams:
        ladder = f.escalation.get(t, [])
        if sum(f.is_active(p) for p in ladder) >= need:
            return None
    t = a.teams[0]
    ladder = f.escalation.get(t, [])
    return (f"team {t} has no escalation list" if not ladder else
            f"team {t}'s escalation list ({_names(ladder)}) holds fewer than {need} active people")


def owners_left(a, f, rule, at, version):
    owners = a.primary + a.stewards
    if owners and not any(f.is_active(p) for p in owners):
        return f"every owner ({_names(owners)}) has left"
    return None


def dataset_lineage(a, f, rule, at, version):
    if version is not None:            # the gate decides this for its version (gate.py)
        return None
    return None if a.uid in f.reaches_dataset else "no lineage to any dataset version"


def recent_run_log(a, f, rule, at, version):
    days = rule.thresholds.get("max_age_days", 30)
    v = version or a.newest
    if v is None:
        return "no version recorded"
    runs = f.runs.get(v, [])
    if not runs:
        return f"{v} was produced by no recorded run"
    logged = [t for log, t in runs if log]
    if not logged:
        return f"the run of {v} has no log"
    newest = max(logged)
    if newest < at - days * DAY_MS:
        return (f"the newest logged run of {v} is from {(from_epoch_ms(newest) or '?')[:10]}, "
                f"more than {days} days ago" if newest >= 0 else f"the run of {v} has no time")
    return None


def evaluated(a, f, rule, at, version):
    v = version or a.newest
    if v is None:
        return "no version recorded"
    if a.kind == "model":
        return None if v in f.evaluated else f"{v} has no evaluation"
    if a.kind != "deployment":
        return None
    models = f.runs_models.get(v, [])
    if not models:
        return f"{v} runs no model version"
    if any(m in f.evaluated for m in models):
        return None
    return f"{v} runs {_names(models)}, which has no evaluation"


def runbook(a, f, rule, at, version):
    return None if a.has_runbook else "no runbook link"


def ownership_review(a, f, rule, at, version):
    if risk.review_overdue(a.review_from, None, at):
        due = from_epoch_ms(a.review_from + risk.REVIEW_DAYS * DAY_MS) or "?"
        return f"ownership review overdue since {due[:10]}"
    return None


def cadence_state(latest: tuple[str, int] | None, c: Cadence, at: int) -> str | None:
    """``missing``, ``failed`` or ``overdue`` for the newest review ``(outcome, at ms)`` of
    ``c.kind`` (None: no review recorded), or None when the cadence is met (``waived``
    passes). The check and the ``recorded_review_*`` flags both ask this."""
    if latest is None:
        return "missing"
    if latest[0] == "fail":
        return "failed"
    return "overdue" if latest[1] < at - c.every_days * DAY_MS else None


def cadence(a: ArtifactFacts, f: Facts, c: Cadence, at: int) -> str | None:
    """None when the newest review of ``c.kind`` is recent enough and did not fail."""
    got = f.reviews.get((a.uid, c.kind))
    state = cadence_state(got, c, at)
    if state == "missing":
        return f"no {c.kind} review recorded (due every {c.every_days} days)"
    day = (from_epoch_ms(got[1]) or "?")[:10] if got else ""
    if state == "failed":
        return f"the newest {c.kind} review ({day}) failed"
    if state == "overdue":
        return f"{c.kind} review overdue: the newest is from {day}, due every {c.every_days} days"
    return None


def review_flags(policy: Policy, kind: str, tags, namespace: str, latest: dict[str, tuple[str, int]],
                 at: int) -> list[str]:
    """The ``recorded_review_overdue`` / ``recorded_review_failed`` flags of one artifact
    from its newest review per kind (``latest``) and the policy's cadences (none when the
    policy's ``reviews`` rule is off or does not hold the artifact)."""
    if not policy.rule("reviews").applies(kind, tags, namespace):
        return []
    states = {cadence_state(latest.get(c.kind), c, at) for c in policy.reviews if c.applies(kind, tags, namespace)}
    out = []
    if states & {"missing", "overdue"}:
        out.append("recorded_review_overdue")
    if "failed" in states:
        out.append("recorded_review_failed")
    return out


#: rule id -> its check (``reviews`` is checked per cadence, see ``cadence``)
CHECKS: dict[str, Check] = {
    "primary-owner": primary_owner, "steward": steward, "team-escalation": team_escalation,
    "owners-left": owners_left, "dataset-lineage": dataset_lineage, "recent-run-log": recent_run_log,
    "evaluated": evaluated, "runbook": runbook, "ownership-review": ownership_review,
}
