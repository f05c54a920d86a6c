"""A deterministic synthetic organisation, as catalog manifests.

Why it exists: the dashboard, the services, the tests and the benchmarks all need an
organisation that looks like a real ML shop (teams, people, daily datasets feeding
feature sets, models, evaluations, deployments) *and* holds the problems ownergraph
exists to expose, at known places: artifacts nobody owns, artifacts without a deputy,
a departed person who still owns things, one person on whom many widely used datasets
depend, and a failing deployment with a recent change a few hops upstream.
``demo_facts`` reports where those are, computed from the generated data.

Shape of the stream: people and teams, then a shared core (raw data, warehouse tables,
feature sets) owned by the data platform team, then one *domain* after another (a
team's product area). Each domain is in topological order (datasets, feature sets,
models, pipelines, evaluations, metrics, deployments) and refers only to itself and
the core, so the stream can be cut anywhere into chunks that load in order, and
generation holds one domain (plus the core) in memory at a time. The story around the
failing deployment is written into the first domain so that it exists at every size.

Everything is drawn from one seeded ``random.Random`` in a fixed order, and all times
are offsets from ``now``: the same (size, seed, now) gives the same manifest.

Time: ``build_demo`` and ``iter_demo_chunks`` give the organisation as it is *now*.
``iter_demo_units`` gives what the ``demo`` command loads: the organisation as it was
90 days ago (in chunks, each dated then), followed by the dated changes of its last 90
days (handovers, a team move, a departure, a new steward; see ``history``), after which
the store holds exactly the organisation ``build_demo`` describes, with an ownership
history behind it.

Modules: this one is the public API and the facts; ``org`` is the plan (people,
teams, layout, where the gaps go); ``history`` the last 90 days; ``layers`` builds
each kind of artifact; ``versions`` holds time, lineage and provenance helpers;
``names`` the words; ``load`` loads it into a store and finishes an interrupted load.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable, Iterator

from .history import HISTORY_DAYS, START_AGE, Step
from .org import Organisation
from .versions import DAY

RECENT_MINUTES = 2 * DAY   # "recent" means within two days before now
_KINDS = ("dataset", "feature_set", "model", "pipeline", "evaluation", "metric", "deployment", "other")


@dataclass(frozen=True)
class DemoFacts:
    """Where the deliberate gaps of a generated organisation are (for tests and demos).

    Artifacts are uids, people are person ids, tuples are in manifest order.
    """

    failing_deployment: str        # the one deployment whose latest revision has status "failing"
    failing_model: str             # the model that revision is deployed_from (not its latest version)
    sole_owner: str                # active person, primary with no steward, of the most-used artifacts
    sole_owner_artifacts: tuple[str, ...]      # everything they own with no steward
    inactive_owner: str            # a departed person (active: false) still primary owner
    inactive_owner_artifacts: tuple[str, ...]  # some with a steward, some without
    no_owner_artifacts: tuple[str, ...]
    no_steward_artifacts: tuple[str, ...]
    recent_change: str             # 1-3 hops upstream of the failing revision, changed < 2 days ago
    counts: dict                   # people, teams, artifacts, versions, commits, runs, derived_from, per kind


@dataclass(frozen=True)
class Unit:
    """One write unit of a demo load: a manifest and the time it is recorded at."""

    at: datetime
    manifest: dict   # carries its own "reason"

    @property
    def at_ms(self) -> int:
        return int(self.at.timestamp() * 1000)

    @property
    def reason(self) -> str:
        return self.manifest["reason"]


def build_demo(size: int = 300, seed: int = 7, now: datetime | None = None) -> dict:
    """The whole organisation as one manifest dict.

    Args:
        size: approximate number of artifacts (at least 20; the gaps exist from 50).
        seed: seed of the only random generator used.
        now: the instant every timestamp is relative to (default: this UTC hour).
    """
    org = Organisation(size, seed, _utc_hour(now))
    return {"reason": org.reason, "people": org.people, "teams": org.teams,
            "artifacts": list(org.artifacts())}


def iter_demo_chunks(size: int = 300, seed: int = 7, now: datetime | None = None,
                     chunk_artifacts: int = 2000) -> Iterator[dict]:
    """The same organisation as ``build_demo``, as manifests of ``chunk_artifacts`` artifacts.

    The first chunk carries the people and teams; every artifact refers only to
    artifacts in its own or earlier chunks, so loading the chunks in order works.
    Generated lazily: memory does not grow with ``size``.
    """
    yield from _chunks(Organisation(size, seed, _utc_hour(now)), chunk_artifacts)


def iter_demo_units(size: int = 300, seed: int = 7, now: datetime | None = None,
                    chunk_artifacts: int = 2000) -> Iterator[Unit]:
    """What ``demo`` loads, unit by unit, in time order: the organisation as it was
    90 days before ``now`` in chunks (all dated then), then its history steps (each
    dated on its day). Applied in order they leave the organisation of ``build_demo``.
    """
    org = Organisation(size, seed, _utc_hour(now), past=True)
    start = org.clock.now - timedelta(minutes=START_AGE)
    for chunk in _chunks(org, chunk_artifacts):
        yield Unit(start, chunk)
    for step in org.history.steps(org.people):
        yield Unit(org.clock.now - timedelta(minutes=step.age), {"reason": step.reason, **step.manifest})


def demo_history(size: int = 300, seed: int = 7, now: datetime | None = None) -> list[tuple[datetime, Step]]:
    """The history steps with their dates (generates the first product area to know them)."""
    org = Organisation(size, seed, _utc_hour(now))
    for _ in org.artifacts():
        if org.history.known:
            break
    return [(org.clock.now - timedelta(minutes=s.age), s) for s in org.history.steps(org.people)]


def chunk_count(size: int, chunk_artifacts: int) -> int:
    """How many chunks ``iter_demo_chunks`` yields (the organisation has ``size`` artifacts)."""
    return max(1, -(-size // chunk_artifacts))


def _chunks(org: Organisation, chunk_artifacts: int) -> Iterator[dict]:
    if chunk_artifacts < 1:
        raise ValueError("chunk_artifacts must be at least 1")
    total = chunk_count(org.size, chunk_artifacts)
    part, batch = 1, []
    for art in org.artifacts():
        batch.append(art)
        if len(batch) == chunk_artifacts:
            yield _chunk(org, part, total, batch)
            part, batch = part + 1, []
    if batch or part == 1:
        yield _chunk(org, part, total, batch)


def demo_facts(size: int = 300, seed: int = 7, now: datetime | None = None) -> DemoFacts:
    """The known facts of ``build_demo(size, seed, now)``, found by scanning its data."""
    org = Organisation(size, seed, _utc_hour(now))
    return _scan(org.people, org.teams, org.artifacts(), org.clock.now)


def _utc_hour(now: datetime | None) -> datetime:
    """``now`` in UTC (naive means UTC); by default the current hour, so that repeated
    runs within an hour are identical."""
    if now is None:
        return datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    return now.replace(tzinfo=timezone.utc) if now.tzinfo is None else now.astimezone(timezone.utc)


def _chunk(org: Organisation, part: int, total: int, artifacts: list[dict]) -> dict:
    out = {"reason": f"{org.reason}, part {part} of {total}"}
    if part == 1:
        out["people"] = org.people_then if org.past else org.people
        out["teams"] = org.teams_then if org.past else org.teams
    out["artifacts"] = artifacts
    return out


# -- facts ---------------------------------------------------------------------------


def _scan(people: list[dict], teams: list[dict], artifacts: Iterable[dict], now: datetime) -> DemoFacts:
    """Find the gaps by reading the data, as a reviewer of the catalog would.

    Lineage is kept only until the failing deployment has been seen (it is near the
    start of the stream), so scanning a large organisation stays light.
    """
    departed = {p["id"] for p in people if not p.get("active", True)}
    counts = {"people": len(people), "teams": len(teams), "artifacts": 0, "versions": 0,
              "commits": 0, "runs": 0, "derived_from": 0, **{k: 0 for k in _KINDS}}
    sole: dict[str, str] = {}
    reach: dict[str, int] = {}
    departed_owns: dict[str, list[str]] = {}
    no_owner, no_steward, failing = [], [], []
    parents: dict[str, list[str]] | None = {}
    created: dict[str, str] = {}
    latest: dict[str, str] = {}
    recent = None
    for a in artifacts:
        uid, owner, versions = a["uid"], a.get("owner"), a.get("versions", [])
        counts["artifacts"] += 1
        counts[a["kind"]] += 1
        if not owner:
            no_owner.append(uid)
        elif owner in departed:
            departed_owns.setdefault(owner, []).append(uid)
        if not a.get("stewards"):
            no_steward.append(uid)
            if owner:
                sole[uid] = owner
        upstream = set()
        for v in versions:
            counts["versions"] += 1
            counts["commits"] += "commit" in v
            counts["runs"] += "run" in v
            refs = [x["uid"] for x in v.get("derived_from", ())]
            counts["derived_from"] += len(refs)
            upstream.update(r.rpartition("@")[0] for r in refs)
            if parents is not None:
                vuid = f"{uid}@{v['version']}"
                parents[vuid], created[vuid] = refs, v.get("created_at", "")
        for up in upstream:
            if up in sole:
                reach[sole[up]] = reach.get(sole[up], 0) + 1
        if not versions:
            continue
        if parents is not None:
            latest[uid] = f"{uid}@{versions[-1]['version']}"
        if a["kind"] == "deployment" and versions[-1].get("deployment", {}).get("status") == "failing":
            failing.append((uid, versions[-1]))
            if parents is not None:
                recent = _recent_upstream(latest[uid], parents, created, latest, now)
                parents = None
    if len(failing) != 1:
        raise RuntimeError(f"expected exactly one failing deployment, found {len(failing)}")
    if recent is None or not departed_owns or not reach:
        raise RuntimeError("the demo organisation lacks one of its deliberate gaps")
    fail_uid, fail_version = failing[0]
    model = next(x["uid"] for x in fail_version.get("derived_from", ()) if x.get("relation") == "deployed_from")
    sole_owner = min((p for p in reach if p not in departed), key=lambda p: (-reach[p], p))
    inactive = min(departed_owns, key=lambda p: (-len(departed_owns[p]), p))
    return DemoFacts(
        failing_deployment=fail_uid, failing_model=model.rpartition("@")[0],
        sole_owner=sole_owner, sole_owner_artifacts=tuple(u for u, p in sole.items() if p == sole_owner),
        inactive_owner=inactive, inactive_owner_artifacts=tuple(departed_owns[inactive]),
        no_owner_artifacts=tuple(no_owner), no_steward_artifacts=tuple(no_steward),
        recent_change=recent, counts=counts)


def _recent_upstream(start: str, parents: dict, created: dict, latest: dict, now: datetime,
                     hops: int = 3) -> str | None:
    """The artifact within ``hops`` upstream of version ``start`` whose version on the path
    is its latest and was created within the last two days (the most recent such)."""
    seen, frontier, found = {start}, [start], []
    for _ in range(hops):
        nxt = []
        for vuid in frontier:
            for up in parents.get(vuid, ()):
                if up not in seen:
                    seen.add(up)
                    nxt.append(up)
        for up in nxt:
            art = up.rpartition("@")[0]
            if latest.get(art) == up and created.get(up):
                at = datetime.strptime(created[up], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
                if 0 <= (now - at).total_seconds() <= RECENT_MINUTES * 60:
                    found.append((at, art))
        frontier = nxt
    return max(found)[1] if found else None
