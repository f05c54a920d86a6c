"""Risk hotspots: the artifacts (and people) whose trouble would hurt the most.

Why a score: a catalogue of 100k artifacts has thousands of small gaps (a missing
description, a deputy nobody named); what matters is the gap under something many
models and deployments depend on. So each artifact's *impact* (how much depends on
it, see ``dependency_reach``) is multiplied by its *risk* (ownership, staleness and
metadata gaps, in points). The formula and the points are documented in
``docs/hotspots.md``; every row carries its components and a sentence saying why.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from ..errors import BadParameter, NotFound
from ..schema import Kind, from_epoch_ms
from ..store.base import GraphStore
from . import declared
from . import dependency_reach as dr
from .hotspot_snapshot import ArtifactFacts, Snapshot, load_snapshot
from .write_path import now_ms as current_ms

LIMIT_MAX = 500
DAY_MS = 24 * 3600 * 1000
STALE_DAYS = 30
WIDELY_USED = 5          # an artifact with at least this many dependents is widely used
LOAD_MIN = 3             # sole ownership of this many widely used artifacts is a risk
LOAD_POINTS_EACH, LOAD_POINTS_MAX = 0.1, 1.0
PEOPLE_ARTIFACTS_SHOWN = 100
RISK_POINTS = {
    "no_primary_owner": 2.0, "owner_inactive": 1.5, "no_steward": 0.5,
    "no_versions": 0.5, "stale": 0.5, "no_lineage": 0.5,
    "no_team": 0.5, "no_description": 0.25, "no_runbook": 0.25,
    "run_failed": 1.0,
}
_RUNBOOK_KINDS = ("model", "deployment")


@dataclass
class _Scored:
    facts: ArtifactFacts
    reach: dr.Reach
    centrality: float
    impact: float
    risk: dict[str, float]
    sole_owner: str | None
    load: int            # widely used artifacts the sole owner carries alone
    score: float


_gc_lock = threading.Lock()
_gc_pause = {"holders": 0, "was_enabled": True}


@contextmanager
def _gc_paused():
    """Scoring builds a few million small objects that all live until the answer is
    made; the cyclic collector would rescan them again and again for nothing. Counted,
    so that concurrent requests (the server is threaded) leave it as they found it."""
    with _gc_lock:
        if _gc_pause["holders"] == 0:
            _gc_pause["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_pause["holders"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pause["holders"] -= 1
            if _gc_pause["holders"] == 0 and _gc_pause["was_enabled"]:
                gc.enable()


def hotspots(store: GraphStore, *, limit: int = 50, kind: str | None = None,
             team: str | None = None, now_ms: int | None = None) -> dict:
    """Rank artifacts by impact x risk, and people by what their departure would orphan.

    Args:
        limit: at most this many rows in each list (1 to 500).
        kind: only artifacts of this kind (the ranking itself considers all).
        team: only artifacts this team is currently accountable for.
        now_ms: the instant staleness is measured from (default: now).

    Returns:
        ``{"as_of", "filters", "artifacts_total", "artifacts_at_risk", "artifacts": [row],
        "people": [row]}``; an artifact row is ``{"uid", "kind", "score", "owner",
        "stewards", "team", "last_activity", "components", "explanation"}``, a person
        row ``{"person", "name", "count", "downstream", "reach_weight", "artifacts",
        "explanation"}``. Artifacts with no risk at all score 0 and are left out.

    Raises:
        BadParameter: limit out of range or an unknown kind.
        NotFound: an unknown team.
    """
    if not 1 <= limit <= LIMIT_MAX:
        raise BadParameter("limit", f"must be between 1 and {LIMIT_MAX}, got {limit}")
    if kind is not None and kind not in {k.value for k in Kind}:
        raise BadParameter("kind", f"{kind!r} is not one of {', '.join(k.value for k in Kind)}")
    now = current_ms() if now_ms is None else now_ms
    with _gc_paused():
        snap = load_snapshot(store)
        if team is not None and not any(team in a.teams for a in snap.artifacts.values()) \
                and not store.read("teams_by_ids", ids=[team]):
            raise NotFound(f"unknown team {team!r}")
        scored = score_all(snap, now)

        def wanted(s: _Scored) -> bool:
            return (kind is None or s.facts.kind == kind) and (team is None or team in s.facts.teams)

        selected = [s for s in scored.values() if wanted(s)]
        risky = sorted((s for s in selected if s.score > 0), key=lambda s: (-s.score, s.facts.uid))
        return {
            "as_of": from_epoch_ms(now),
            "filters": {"kind": kind, "team": team, "limit": limit},
            "artifacts_total": len(snap.artifacts),
            "artifacts_at_risk": len(risky),
            "artifacts": [_artifact_row(s, snap.people, now) for s in risky[:limit]],
            "people": _people_rows(selected, snap.people)[:limit],
            # owners a source declares that differ from what a person set
            "declared_differences": [d for d in declared.differences(store)
                                     if (kind is None or d["kind"] == kind)
                                     and (team is None or team in scored.get(d["uid"]).facts.teams)][:limit],
        }


def score_all(snap: Snapshot, now: int) -> dict[str, _Scored]:
    """Impact, risk and score of every artifact of the snapshot."""
    graph = dr.dependency_graph(snap.artifacts, snap.edges)
    kinds = {uid: a.kind for uid, a in snap.artifacts.items()}
    reach = dr.downstream_reach(graph, kinds)
    cent = dr.centrality(graph)
    sole = {uid: _sole_owner(a, snap.people) for uid, a in snap.artifacts.items()}
    load: dict[str, int] = {}
    for uid, person in sole.items():
        if person and reach[uid].total >= WIDELY_USED:
            load[person] = load.get(person, 0) + 1
    out = {}
    for uid, a in snap.artifacts.items():
        r, c = reach[uid], cent.get(uid, 0.0)
        impact = r.weight * dr.centrality_factor(c)
        risk = _risk(a, snap.people, now)
        person = sole[uid]
        n = load.get(person, 0) if person else 0
        if n >= LOAD_MIN:
            risk["sole_owner_load"] = round(min(LOAD_POINTS_MAX, LOAD_POINTS_EACH * n), 3)
        out[uid] = _Scored(a, r, c, impact, risk, person, n, round(impact * sum(risk.values()), 3))
    return out


def _active(pid: str, people: dict[str, dict]) -> bool:
    return people.get(pid, {}).get("active", True)


def _sole_owner(a: ArtifactFacts, people: dict[str, dict]) -> str | None:
    """The one active current owner (primary or steward), if there is exactly one."""
    active = {p for p in a.primary + a.stewards if _active(p, people)}
    return next(iter(active)) if len(active) == 1 else None


def _stale(a: ArtifactFacts, now: int) -> bool:
    return a.last_activity is None or now - a.last_activity > STALE_DAYS * DAY_MS


def _risk(a: ArtifactFacts, people: dict[str, dict], now: int) -> dict[str, float]:
    """The risk points that apply to ``a`` (see RISK_POINTS and docs/hotspots.md)."""
    keys = []
    if not a.primary:
        keys.append("no_primary_owner")
    elif not any(_active(p, people) for p in a.primary):
        keys.append("owner_inactive")
    if not any(_active(p, people) for p in a.stewards):
        keys.append("no_steward")
    if a.versions == 0:
        keys.append("no_versions")
    else:
        if _stale(a, now):
            keys.append("stale")
        if a.kind != Kind.dataset.value and not a.has_upstream:
            keys.append("no_lineage")
    if not a.teams:
        keys.append("no_team")
    if not a.has_description:
        keys.append("no_description")
    if a.kind in _RUNBOOK_KINDS and not a.has_runbook:
        keys.append("no_runbook")
    if a.run_failed:
        keys.append("run_failed")
    return {k: RISK_POINTS[k] for k in keys}


def _reasons(s: _Scored, people: dict[str, dict], now: int) -> list[str]:
    """One phrase per risk that applies, in the order of ``_risk``."""
    a = s.facts
    phrases = {
        "no_primary_owner": lambda: "no primary owner",
        "owner_inactive": lambda: f"primary owner {', '.join(a.primary)} is inactive",
        "no_steward": lambda: (f"no active steward ({', '.join(a.stewards)} inactive)"
                               if a.stewards else "no steward"),
        "no_versions": lambda: "no versions recorded",
        "stale": lambda: (f"no version or run in {(now - a.last_activity) // DAY_MS} days"
                          if a.last_activity is not None else "no dated version or run"),
        "no_lineage": lambda: "no upstream lineage recorded",
        "no_team": lambda: "no team",
        "no_description": lambda: "no description",
        "no_runbook": lambda: "no runbook link",
        "run_failed": lambda: "its latest run failed",
        "sole_owner_load": lambda: f"sole owner {s.sole_owner} alone carries {s.load} widely used artifacts",
    }
    return [phrases[k]() for k in s.risk]


def _dependents_phrase(r: dr.Reach) -> str:
    if r.total == 0:
        return "nothing depends on it"
    parts = []
    if r.models:
        parts.append(f"{r.models} model{'s' * (r.models != 1)}")
    if r.deployments:
        parts.append(f"{r.deployments} deployment{'s' * (r.deployments != 1)}")
    if parts and r.others == 0:
        verb = "depends" if r.total == 1 else "depend"
        return f"{' and '.join(parts)} {verb} on it"
    head = f"{r.total} artifact{'s' * (r.total != 1)} {'depends' if r.total == 1 else 'depend'} on it"
    return head + (f", including {' and '.join(parts)}" if parts else "")


def _artifact_row(s: _Scored, people: dict[str, dict], now: int) -> dict:
    a, r = s.facts, s.reach
    return {
        "uid": a.uid, "kind": a.kind, "score": s.score,
        "owner": a.primary[0] if a.primary else None,
        "stewards": list(a.stewards),
        "team": a.teams[0] if a.teams else None,
        "last_activity": from_epoch_ms(a.last_activity),
        "components": {
            "downstream": {"total": r.total, "deployments": r.deployments, "models": r.models,
                           "others": r.others},
            "reach_weight": r.weight,
            "centrality": round(s.centrality, 4),
            "impact": round(s.impact, 3),
            "risk": dict(s.risk),
            "risk_total": round(sum(s.risk.values()), 3),
        },
        "explanation": "; ".join([_dependents_phrase(r), *_reasons(s, people, now)]),
    }


def _people_rows(scored: list[_Scored], people: dict[str, dict]) -> list[dict]:
    """Active people ranked by the reach of what they alone own (their bus factor)."""
    owned: dict[str, list[_Scored]] = {}
    for s in scored:
        if s.sole_owner:
            owned.setdefault(s.sole_owner, []).append(s)
    rows = []
    for pid, items in owned.items():
        items.sort(key=lambda s: (-s.reach.weight, s.facts.uid))
        downstream = sum(s.reach.total for s in items)
        weight = sum(s.reach.weight for s in items)
        top = items[0]
        rows.append({
            "person": pid, "name": people.get(pid, {}).get("name"),
            "count": len(items), "downstream": downstream, "reach_weight": weight,
            "artifacts": [{"uid": s.facts.uid, "kind": s.facts.kind, "downstream": s.reach.total,
                           "reach_weight": s.reach.weight} for s in items[:PEOPLE_ARTIFACTS_SHOWN]],
            "explanation": (f"only active owner of {len(items)} artifact{'s' * (len(items) != 1)} "
                            f"with {downstream} dependent{'s' * (downstream != 1)} in all; "
                            f"the widest is {top.facts.uid} ({_dependents_phrase(top.reach)})"),
        })
    rows.sort(key=lambda r: (-r["reach_weight"], -r["count"], r["person"]))
    return rows
