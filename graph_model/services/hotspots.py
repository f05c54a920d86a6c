"""Risk hotspots: the artifacts (and people) whose trouble would hurt the most.

Why a score: a catalogue of 100k artifacts has thousands of small gaps (a missing
description, a deputy nobody named); what matters is the gap under something many
models and deployments depend on. So each artifact's *impact* (how much depends on
it, see ``dependency_reach``) is multiplied by its *risk* (ownership, staleness and
metadata gaps, in points). The formula is documented in ``docs/hotspots.md``; the risk
flags, their points and thresholds are ``risk.FLAGS`` (``docs/flags.md``); every row
carries its components and a sentence saying why.

Scoring is split from answering: ``rank`` scores the whole catalogue once (seconds at
100k artifacts) into a ``Ranking``, and ``answer`` cuts one request's rows out of it
(milliseconds), so ``hotspot_cache`` can keep a ranking per audit head and answer every
request between writes without scoring again.
"""

from __future__ import annotations

import gc
import math
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..clock import DAY_MS, now_ms as clock_ms
from ..errors import BadParameter, NotFound
from ..schema import Kind, from_epoch_ms
from ..store.base import GraphStore
from . import declared
from . import dependency_reach as dr
from . import policy, risk, rules
from .hotspot_snapshot import ArtifactFacts, Snapshot, load_snapshot

LIMIT_MAX = 500
PEOPLE_ARTIFACTS_SHOWN = 100
VIEWS_KEPT = 64          # (kind, team) selections a ranking remembers


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


@dataclass
class Ranking:
    """Every artifact scored at one instant, highest score first: what a cache keeps.

    ``audit_seq``/``audit_hash`` name the audit head read *before* the graph was, so the
    ranking reflects at least every change up to that event (a write that lands during
    the read makes the head move on, and the ranking is then known to be behind).
    """

    scored: list[_Scored]            # every artifact, by (-score, uid)
    people: dict[str, dict]
    teams: frozenset[str]            # teams accountable for some artifact
    at: int                          # the instant staleness was measured from
    computed_at: int                 # when the graph was read (epoch ms)
    audit_seq: int
    audit_hash: str
    _views: dict = field(default_factory=dict, repr=False)

    def teams_of(self, uid: str) -> frozenset[str]:
        """The teams accountable for ``uid`` when it was ranked (empty when unknown then)."""
        index = self._views.get("_teams")
        if index is None:
            index = self._views["_teams"] = {s.facts.uid: frozenset(s.facts.teams) for s in self.scored}
        return index.get(uid, frozenset())

    def view(self, kind: str | None, team: str | None) -> tuple[list[_Scored], list[dict]]:
        """Risky artifacts (score > 0, in rank order) and people rows for one selection,
        remembered: the second request for the same filters costs nothing."""
        key = (kind, team)
        got = self._views.get(key)
        if got is None:
            selected = [s for s in self.scored
                        if (kind is None or s.facts.kind == kind) and (team is None or team in s.facts.teams)]
            got = ([s for s in selected if s.score > 0], _people_rows(selected, self.people))
            if len(self._views) >= VIEWS_KEPT:
                self._views = {k: v for k, v in self._views.items() if k == "_teams"}
            self._views[key] = got
        return got


def check_filters(limit: int, kind: str | None) -> None:
    """BadParameter unless ``limit`` is 1..LIMIT_MAX and ``kind`` a known kind (or None)."""
    if not 1 <= limit <= LIMIT_MAX:
        raise BadParameter("limit", f"must be between 1 and {LIMIT_MAX}, got {limit}")
    if kind is not None and kind not in {k.value for k in Kind}:
        raise BadParameter("kind", f"{kind!r} is not one of {', '.join(k.value for k in Kind)}")


def rank(store: GraphStore, now_ms: int | None = None) -> Ranking:
    """Read the whole catalogue and score every artifact (the expensive part).

    Args:
        now_ms: the instant staleness is measured from (default: now).
    """
    head = store.read("audit_head")[0]
    computed_at = clock_ms()
    at = computed_at if now_ms is None else now_ms
    with _gc_paused():
        snap = load_snapshot(store)
        scored = score_all(snap, at)
        ordered = sorted(scored.values(), key=lambda s: (-s.score, s.facts.uid))
    teams = frozenset(t for a in snap.artifacts.values() for t in a.teams)
    return Ranking(ordered, snap.people, teams, at, computed_at, int(head["seq"] or 0), head["hash"] or "")


def answer(store: GraphStore, ranking: Ranking, *, limit: int = 50, kind: str | None = None,
           team: str | None = None, age_s: float = 0.0) -> dict:
    """One request's answer cut out of ``ranking`` (see ``hotspots`` for the shape).

    Args:
        age_s: how far the ranking may lag behind the graph, in seconds (0 when no write
            happened since it was computed); the cache knows, and the answer says so.
    """
    check_filters(limit, kind)
    if team is not None and team not in ranking.teams and not store.read("teams_by_ids", ids=[team]):
        raise NotFound(f"unknown team {team!r}")
    risky, people_rows = ranking.view(kind, team)
    return {
        "as_of": from_epoch_ms(ranking.at),
        "computed_at": from_epoch_ms(ranking.computed_at),
        "audit_seq": ranking.audit_seq,
        "age_s": math.ceil(age_s * 10) / 10,        # rounded up: behind never reads as 0
        "filters": {"kind": kind, "team": team, "limit": limit},
        "artifacts_total": len(ranking.scored),
        "artifacts_at_risk": len(risky),
        "artifacts": [_artifact_row(s, ranking.people, ranking.at) for s in risky[:limit]],
        "people": people_rows[:limit],
        # owners a source declares that differ from what a person set (read now, not cached:
        # a declaration is a few rows and should show as soon as it arrives)
        "declared_differences": [d for d in declared.differences(store)
                                 if (kind is None or d["kind"] == kind)
                                 and (team is None or team in ranking.teams_of(d["uid"]))][:limit],
    }


def hotspots(store: GraphStore, *, limit: int = 50, kind: str | None = None,
             team: str | None = None, now_ms: int | None = None) -> dict:
    """Rank artifacts by impact x risk, and people by what their departure would orphan,
    computed now (the web answers through ``hotspot_cache`` instead).

    Args:
        limit: at most this many rows in each list (1 to 500).
        kind: only artifacts of this kind (the ranking itself considers all).
        team: only artifacts this team is currently accountable for.
        now_ms: the instant staleness is measured from (default: now).

    Returns:
        ``{"as_of", "computed_at", "audit_seq", "age_s", "filters", "artifacts_total",
        "artifacts_at_risk", "artifacts": [row], "people": [row]}``: ``as_of`` is the
        instant staleness was measured from, ``computed_at`` when the graph was read,
        ``audit_seq`` the audit event the ranking reflects (at least), ``age_s`` how
        many seconds the graph may have moved on since (0: no write since). An artifact
        row is ``{"uid", "kind", "score", "owner", "stewards", "team", "last_activity",
        "components", "explanation"}``, a person row ``{"person", "name", "count",
        "downstream", "reach_weight", "artifacts", "explanation"}``. Artifacts with no
        risk at all score 0 and are left out.

    Raises:
        BadParameter: limit out of range or an unknown kind.
        NotFound: an unknown team.
    """
    check_filters(limit, kind)
    return answer(store, rank(store, now_ms), limit=limit, kind=kind, team=team)


def score_all(snap: Snapshot, now: int) -> dict[str, _Scored]:
    """Impact, risk and score of every artifact of the snapshot."""
    graph = dr.dependency_graph(snap.artifacts, snap.edges)
    kinds = {uid: a.kind for uid, a in snap.artifacts.items()}
    reach = dr.downstream_reach(graph, kinds)
    cent = dr.centrality(graph)
    sole = {uid: _sole_owner(a, snap.people) for uid, a in snap.artifacts.items()}
    load: dict[str, int] = {}
    for uid, person in sole.items():
        if person and reach[uid].total >= risk.WIDELY_USED:
            load[person] = load.get(person, 0) + 1
    out = {}
    pol = policy.active()
    for uid, a in snap.artifacts.items():
        r, c = reach[uid], cent.get(uid, 0.0)
        impact = r.weight * dr.centrality_factor(c)
        points = _risk(a, snap.people, now, pol)
        person = sole[uid]
        n = load.get(person, 0) if person else 0
        extra = risk.load_points(n)
        if extra is not None:
            points["sole_owner_load"] = extra
        out[uid] = _Scored(a, r, c, impact, points, person, n, round(impact * sum(points.values()), 3))
    return out


def _active(pid: str, people: dict[str, dict]) -> bool:
    return people.get(pid, {}).get("active", True)


def _sole_owner(a: ArtifactFacts, people: dict[str, dict]) -> str | None:
    """The one active current owner (primary or steward), if there is exactly one."""
    active = {p for p in a.primary + a.stewards if _active(p, people)}
    return next(iter(active)) if len(active) == 1 else None


def _risk(a: ArtifactFacts, people: dict[str, dict], now: int,
          pol: policy.Policy = policy.DEFAULT) -> dict[str, float]:
    """The risk points that apply to ``a``, by the rules and points of ``risk.FLAGS``."""
    keys = risk.ownership_flags([_active(p, people) for p in a.primary],
                                [_active(p, people) for p in a.stewards])
    if a.versions == 0:
        keys.append("no_versions")
    else:
        if risk.is_stale(a.last_activity, now):
            keys.append("stale")
        if a.kind != Kind.dataset.value and not a.has_upstream:
            keys.append("no_lineage")
    if not a.teams:
        keys.append("no_team")
    if not a.has_description:
        keys.append("no_description")
    if a.kind in risk.RUNBOOK_KINDS and not a.has_runbook:
        keys.append("no_runbook")
    if a.run_failed:
        keys.append("run_failed")
    if risk.review_overdue(a.review_from, None, now):
        keys.append("review_overdue")
    keys += rules.review_flags(pol, a.kind, a.tags, a.namespace, a.reviews, now)
    out = {k: risk.points(k) for k in keys}
    extra = risk.incident_points(_recent_incidents(a, now))
    if extra is not None:
        out["past_incidents"] = extra
    return out


def _recent_incidents(a: ArtifactFacts, now: int) -> int:
    """Incident records of ``a`` failing, opened in the ``risk.INCIDENT_DAYS`` before ``now``."""
    return sum(1 for t in a.incidents if now - risk.INCIDENT_MS <= t <= now)


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
        "past_incidents": lambda: (f"failed in {_recent_incidents(a, now)} incident"
                                   f"{'s' * (_recent_incidents(a, now) != 1)} in the last {risk.INCIDENT_DAYS} days"),
        "review_overdue": lambda: "its ownership review is overdue",
        "recorded_review_overdue": lambda: "a review the policy requires is overdue",
        "recorded_review_failed": lambda: "its newest required review failed",
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
