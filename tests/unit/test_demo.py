"""The demo organisation: deterministic, consistent, and its facts are true.

The facts are re-derived here from the manifest itself (not from the generator's
internals), so a generator change that silently moves or loses a gap fails a test.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import pytest

from graph_model.demo import DemoFacts, build_demo, demo_facts, iter_demo_chunks

NOW = datetime(2026, 11, 29, 12, tzinfo=timezone.utc)
RECENT = timedelta(days=2)
KINDS = {"model", "dataset", "metric", "evaluation", "deployment", "feature_set", "pipeline", "other"}
RELATIONS = {"trained_on", "evaluated_on", "deployed_from", "input", "features_from"}
PERSON_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]*$")
SLUG = r"[a-z0-9][a-z0-9._-]*"
UID_RE = re.compile(rf"^{SLUG}/{SLUG}$")
ISO_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@lru_cache(maxsize=None)
def demo(size: int = 300, seed: int = 7) -> dict:
    """Shared, read-only: tests must not mutate it."""
    return build_demo(size, seed, NOW)


@lru_cache(maxsize=None)
def facts(size: int = 300, seed: int = 7) -> DemoFacts:
    return demo_facts(size, seed, NOW)


def at(text: str) -> datetime:
    assert ISO_RE.match(text), text
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def artifact_of(vuid: str) -> str:
    return vuid.rpartition("@")[0]


def latest_vuid(arts: dict, uid: str) -> str:
    return f"{uid}@{arts[uid]['versions'][-1]['version']}"


def versions_of(m: dict) -> dict[str, dict]:
    return {f"{a['uid']}@{v['version']}": v for a in m["artifacts"] for v in a["versions"]}


def upstream_within(m: dict, start: str, hops: int) -> dict[str, int]:
    """Versions reachable upstream of ``start`` in at most ``hops`` edges -> distance."""
    versions = versions_of(m)
    dist, frontier = {start: 0}, [start]
    for depth in range(1, hops + 1):
        frontier = [d["uid"] for vu in frontier for d in versions[vu].get("derived_from", ())]
        for vu in frontier:
            dist.setdefault(vu, depth)
    del dist[start]
    return dist


def upstream_artifacts(m: dict, uid: str, hops: int) -> set[str]:
    """Artifacts within ``hops`` upstream of ``uid`` through any of its versions."""
    parents = defaultdict(set)
    for a in m["artifacts"]:
        for v in a["versions"]:
            parents[a["uid"]].update(artifact_of(d["uid"]) for d in v.get("derived_from", ()))
    found, frontier = set(), {uid}
    for _ in range(hops):
        frontier = {p for u in frontier for p in parents[u]} - found
        found |= frontier
    return found


def direct_downstream(m: dict) -> dict[str, set[str]]:
    down = defaultdict(set)
    for a in m["artifacts"]:
        for v in a["versions"]:
            for d in v.get("derived_from", ()):
                down[artifact_of(d["uid"])].add(a["uid"])
    return down


# -- determinism and size -------------------------------------------------------------


def test_same_arguments_give_the_same_manifest():
    assert build_demo(300, 7, NOW) == build_demo(300, 7, NOW)
    assert demo_facts(120, 3, NOW) == demo_facts(120, 3, NOW)


def test_another_seed_gives_another_organisation():
    assert build_demo(300, 8, NOW) != demo()
    assert build_demo(300, 8, NOW)["people"] != demo()["people"]


def test_timestamps_follow_now():
    later = build_demo(300, 7, NOW + timedelta(days=400))
    first, second = demo()["artifacts"][0]["versions"][0], later["artifacts"][0]["versions"][0]
    assert at(second["created_at"]) - at(first["created_at"]) == timedelta(days=400)


def test_default_now_is_the_current_hour():
    before = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    m = build_demo(60, 7)
    after = datetime.now(timezone.utc)
    stamps = [at(v["created_at"]) for a in m["artifacts"] for v in a["versions"]]
    assert max(stamps) <= after
    assert max(stamps) >= before - timedelta(days=1)


@pytest.mark.parametrize("size", [50, 300, 5000])
def test_size_is_within_ten_percent(size):
    m = build_demo(size, 7, NOW)
    assert abs(len(m["artifacts"]) - size) <= size * 0.1
    assert len(m["people"]) == max(60, round(size / 50))
    assert len(m["teams"]) == max(10, len(m["people"]) // 6)


def test_rejects_sizes_it_cannot_honour():
    with pytest.raises(ValueError):
        build_demo(10, 7, NOW)
    with pytest.raises(ValueError):
        next(iter_demo_chunks(300, 7, NOW, chunk_artifacts=0))


# -- people, teams, integrity ----------------------------------------------------------


def test_people_and_teams_look_like_an_organisation():
    m = demo()
    people = {p["id"]: p for p in m["people"]}
    assert len(people) == len(m["people"]) == 60
    assert len(m["teams"]) == 10
    for p in m["people"]:
        assert PERSON_RE.match(p["id"]) and p["email"] == f"{p['id']}@example.com" and p["name"].strip()
    assert 3 <= sum(not p["active"] for p in m["people"]) <= 4
    assert len({t["id"] for t in m["teams"]}) == len(m["teams"])
    for t in m["teams"]:
        assert re.match(rf"^{SLUG}$", t["id"]) and t["members"] and t["escalation"]
        assert set(t["escalation"]) <= set(t["members"])
        assert all(people[p]["active"] for p in t["members"])


@pytest.mark.parametrize("size", [50, 300, 5000])
def test_references_resolve_and_point_to_earlier_artifacts(size):
    m = demo(size) if size == 300 else build_demo(size, 7, NOW)
    people = {p["id"] for p in m["people"]}
    teams = {t["id"] for t in m["teams"]}
    for t in m["teams"]:
        assert set(t["members"]) | set(t["escalation"]) <= people
    position: dict[str, int] = {}
    created: dict[str, datetime] = {}
    shas = Counter()
    for i, a in enumerate(m["artifacts"]):
        uid = a["uid"]
        assert UID_RE.match(uid) and uid not in position, uid
        assert a["kind"] in KINDS
        if "owner" in a:
            assert a["owner"] in people and a["owner"] not in a.get("stewards", [])
        assert set(a.get("stewards", [])) <= people
        assert len(set(a.get("stewards", []))) == len(a.get("stewards", []))
        assert a.get("team") is None or a["team"] in teams
        assert all(url.startswith("https://") for url in a.get("links", {}).values())
        assert a["versions"] and len({v["version"] for v in a["versions"]}) == len(a["versions"])
        times = [at(v["created_at"]) for v in a["versions"]]
        assert times == sorted(times) and len(set(times)) == len(times), uid   # oldest first
        for v, when in zip(a["versions"], times):
            assert when <= NOW
            if "commit" in v:
                c = v["commit"]
                assert re.match(r"^[0-9a-f]{40}$", c["sha"]) and c["author"] in people
                assert at(c["time"]) <= when
                shas[c["sha"]] += 1
            if "run" in v:
                assert at(v["run"]["started_at"]) <= at(v["run"]["ended_at"]) <= when
            refs = [d["uid"] for d in v.get("derived_from", ())]
            assert len(set(refs)) == len(refs)
            for d in v.get("derived_from", ()):
                assert d["relation"] in RELATIONS
                assert position.get(artifact_of(d["uid"]), i) < i, f"{uid} -> {d['uid']}"
                assert d["uid"] in created, d["uid"]
                assert created[d["uid"]] < when, f"{uid}@{v['version']} older than {d['uid']}"
            created[f"{uid}@{v['version']}"] = when
        position[uid] = i
    assert shas and max(shas.values()) == 1


def test_every_derived_artifact_knows_its_inputs():
    m = build_demo(3000, 11, NOW)
    for a in m["artifacts"]:
        if not a["uid"].startswith("raw/"):
            assert a["versions"][-1].get("derived_from"), a["uid"]


def test_lineage_is_acyclic():
    m = demo()
    parents = {vu: [d["uid"] for d in v.get("derived_from", ())] for vu, v in versions_of(m).items()}
    children = Counter(p for ps in parents.values() for p in ps)
    ready = [vu for vu in parents if not children[vu]]
    seen = 0
    while ready:   # Kahn: peel off versions nothing derives from
        vu = ready.pop()
        seen += 1
        for p in parents[vu]:
            children[p] -= 1
            if not children[p]:
                ready.append(p)
    assert seen == len(parents)


def test_manifest_passes_the_schema():
    from graph_model.schema import Manifest

    parsed = Manifest.model_validate(demo())
    assert len(parsed.artifacts) == len(demo()["artifacts"])


def test_looks_like_an_ml_shop():
    m = demo()
    by_kind = defaultdict(list)
    for a in m["artifacts"]:
        by_kind[a["kind"]].append(a)
    assert {"dataset", "feature_set", "model", "evaluation", "metric", "deployment", "pipeline"} <= set(by_kind)
    namespaces = {a["uid"].split("/")[0] for a in m["artifacts"]}
    assert {"raw", "warehouse", "features", "models", "evals", "metrics", "deploy"} <= namespaces
    total_versions = sum(len(a["versions"]) for a in m["artifacts"])
    assert 3 <= total_versions / len(m["artifacts"]) <= 5
    for a in by_kind["dataset"]:
        assert all(re.match(r"^\d{4}-\d\d-\d\d$", v["version"]) for v in a["versions"])
    for a in by_kind["model"] + by_kind["deployment"]:
        assert a["links"]["runbook"].startswith("https://runbooks.example.com/")
    for a in by_kind["model"]:
        for v in a["versions"]:
            assert {"learning_rate", "algorithm"} & set(v["hyperparameters"]) and v["metrics"]
            assert v["commit"]["author"] and v["run"]["log_uri"].startswith("https://")
            assert all(d["relation"] == "trained_on" for d in v.get("derived_from", ()))
        assert any(v.get("derived_from") for v in a["versions"])
    for a in by_kind["deployment"]:
        latest = a["versions"][-1]
        assert {"status", "env", "replicas", "region", "traffic"} <= set(latest["deployment"])
        assert any(d["relation"] == "deployed_from" for d in latest["derived_from"])
    for a in by_kind["evaluation"]:
        relations = [d["relation"] for d in a["versions"][-1]["derived_from"]]
        assert relations == ["evaluated_on", "evaluated_on"]


# -- the facts ------------------------------------------------------------------------


def check_facts(m: dict, f: DemoFacts) -> None:
    """Every fact, re-derived from the manifest."""
    arts = {a["uid"]: a for a in m["artifacts"]}
    people = {p["id"]: p for p in m["people"]}
    versions = versions_of(m)

    failing = [a["uid"] for a in m["artifacts"] if a["kind"] == "deployment"
               and a["versions"][-1].get("deployment", {}).get("status") == "failing"]
    assert failing == [f.failing_deployment]
    start = latest_vuid(arts, f.failing_deployment)
    served = [d["uid"] for d in versions[start]["derived_from"] if d["relation"] == "deployed_from"]
    assert len(served) == 1 and artifact_of(served[0]) == f.failing_model
    assert arts[f.failing_model]["kind"] == "model"
    assert served[0] != latest_vuid(arts, f.failing_model), "it serves an older model version"

    near = upstream_within(m, start, 3)
    recent = {artifact_of(vu) for vu in near if NOW - at(versions[vu]["created_at"]) <= RECENT}
    assert recent == {f.recent_change}, "exactly one recent change within three hops"
    latest = arts[f.recent_change]["versions"][-1]
    assert latest_vuid(arts, f.recent_change) in near
    assert timedelta(0) <= NOW - at(latest["created_at"]) <= RECENT
    assert timedelta(0) <= NOW - at(latest["commit"]["time"]) <= RECENT
    code_changes = {u for u in upstream_artifacts(m, f.failing_deployment, 3)
                    if "commit" in arts[u]["versions"][-1]
                    and NOW - at(arts[u]["versions"][-1]["commit"]["time"]) <= RECENT}
    assert code_changes == {f.recent_change}, "the only recent code change upstream, by artifact too"

    assert people[f.sole_owner]["active"]
    sole = tuple(u for u, a in arts.items() if a.get("owner") == f.sole_owner and not a.get("stewards"))
    assert f.sole_owner_artifacts == sole and len(sole) >= 3
    assert all(arts[u]["kind"] in ("dataset", "feature_set") for u in sole)
    down = direct_downstream(m)
    reach = Counter()
    for u, a in arts.items():
        if a.get("owner") and not a.get("stewards"):
            reach[a["owner"]] += len(down[u])
    top = max(reach.values())
    assert reach[f.sole_owner] == top and sorted(reach.values()).count(top) == 1
    assert all(down[u] for u in sole), "every one of them is used"
    transitive, stack = set(), list(sole)
    while stack:
        for w in down[stack.pop()]:
            if w not in transitive:
                transitive.add(w)
                stack.append(w)
    assert len(transitive) >= 0.4 * len(arts), "widely used: much of the organisation depends on them"

    assert not people[f.inactive_owner]["active"]
    owned = tuple(u for u, a in arts.items() if a.get("owner") == f.inactive_owner)
    assert f.inactive_owner_artifacts == owned
    assert any(arts[u].get("stewards") for u in owned) and any(not arts[u].get("stewards") for u in owned)

    assert f.no_owner_artifacts == tuple(u for u, a in arts.items() if not a.get("owner"))
    assert f.no_steward_artifacts == tuple(u for u, a in arts.items() if not a.get("stewards"))
    assert f.no_owner_artifacts and f.no_steward_artifacts

    counts = Counter(a["kind"] for a in m["artifacts"])
    every = [v for a in m["artifacts"] for v in a["versions"]]
    assert f.counts == {
        "people": len(m["people"]), "teams": len(m["teams"]), "artifacts": len(arts),
        "versions": len(every), "commits": sum("commit" in v for v in every),
        "runs": sum("run" in v for v in every),
        "derived_from": sum(len(v.get("derived_from", ())) for v in every),
        **{k: counts.get(k, 0) for k in KINDS},
    }


def test_facts_hold_at_the_default_size():
    check_facts(demo(), facts())


@pytest.mark.parametrize("size,seed", [(50, 1), (50, 2), (57, 3), (120, 4), (1000, 5), (2000, 6)])
def test_facts_hold_at_other_sizes_and_seeds(size, seed):
    check_facts(build_demo(size, seed, NOW), demo_facts(size, seed, NOW))


def test_the_incident_shows_the_gaps_upstream():
    """A responder on the failing deployment meets the leaver's, the unowned and the
    sole owner's artifacts upstream, and other deployments also serve old versions."""
    m, f = demo(), facts()
    arts = {a["uid"]: a for a in m["artifacts"]}
    upstream = {artifact_of(vu) for vu in upstream_within(m, latest_vuid(arts, f.failing_deployment), 3)}
    assert set(f.inactive_owner_artifacts) <= upstream
    assert upstream & set(f.no_owner_artifacts) and upstream & set(f.sole_owner_artifacts)
    stale = []
    for a in m["artifacts"]:
        if a["kind"] == "deployment" and a["uid"] != f.failing_deployment:
            served = [d["uid"] for d in a["versions"][-1]["derived_from"] if d["relation"] == "deployed_from"]
            stale += [vu for vu in served if vu != latest_vuid(arts, artifact_of(vu))]
    assert stale


# -- chunks ---------------------------------------------------------------------------


def test_chunks_concatenate_to_the_whole():
    chunks = list(iter_demo_chunks(300, 7, NOW, chunk_artifacts=70))
    whole = demo()
    assert [len(c["artifacts"]) for c in chunks] == [70, 70, 70, 70, 20]
    assert chunks[0]["people"] == whole["people"] and chunks[0]["teams"] == whole["teams"]
    assert all(set(c) == {"reason", "artifacts"} for c in chunks[1:])
    assert [a for c in chunks for a in c["artifacts"]] == whole["artifacts"]
    loaded: set[str] = set()
    for c in chunks:   # each chunk refers only to itself and earlier chunks
        loaded |= {f"{a['uid']}@{v['version']}" for a in c["artifacts"] for v in a["versions"]}
        assert {d["uid"] for a in c["artifacts"] for v in a["versions"]
                for d in v.get("derived_from", ())} <= loaded


def test_a_hundred_thousand_artifacts_stream():
    chunks = iter_demo_chunks(size=100_000, now=NOW)
    assert inspect.isgenerator(chunks)
    first = next(chunks)
    assert len(first["people"]) == 2000
    total, uids = len(first["artifacts"]), {a["uid"] for a in first["artifacts"]}
    for c in chunks:
        assert len(c["artifacts"]) <= 2000
        total += len(c["artifacts"])
        uids.update(a["uid"] for a in c["artifacts"])
    assert abs(total - 100_000) <= 10_000 and len(uids) == total


# -- the last 90 days -----------------------------------------------------------------


def replay(units) -> dict:
    """Apply units as the manifest semantics say (fields present are set), in memory."""
    people, teams, arts = {}, {}, {}
    for u in units:
        m = u.manifest
        for p in m.get("people", ()):
            people[p["id"]] = {**people.get(p["id"], {}), **p}
        for t in m.get("teams", ()):
            teams[t["id"]] = {**teams.get(t["id"], {}), **t}
        for a in m.get("artifacts", ()):
            cur = arts.setdefault(a["uid"], {})
            cur.update(a)
            cur.update({k: v for k, v in a.items() if k in ("owner", "stewards")})
    return {"people": list(people.values()), "teams": list(teams.values()),
            "artifacts": [{k: v for k, v in a.items() if v != []} for a in arts.values()]}


def test_the_history_leads_to_the_organisation_of_now():
    """The organisation of 90 days ago plus its dated changes is exactly ``build_demo``."""
    from graph_model.demo import iter_demo_units

    units = list(iter_demo_units(300, 7, NOW, chunk_artifacts=70))
    now_m = demo()
    final = replay(units)
    assert final["people"] == now_m["people"] and final["teams"] == now_m["teams"]
    assert final["artifacts"] == now_m["artifacts"]
    then = replay(units[:5])
    assert then != {k: now_m[k] for k in ("people", "teams", "artifacts")}


def test_the_history_is_dated_in_order_within_ninety_days():
    from graph_model.demo import demo_history, iter_demo_units

    units = list(iter_demo_units(300, 7, NOW, chunk_artifacts=70))
    times = [u.at for u in units]
    assert times == sorted(times)
    assert times[0] == NOW - timedelta(days=90) and all(t == times[0] for t in times[:5])
    steps = demo_history(300, 7, NOW)
    assert [s.reason for _, s in steps] == [u.reason for u in units[5:]]
    assert all(NOW - timedelta(days=90) < at < NOW for at, _ in steps)
    kinds = [s.reason.split(":")[0] for _, s in steps]
    assert kinds == ["handover", "team move", "handover", "departure", "new steward"]
    assert [u.reason for u in units[:5]] == [
        f"ownergraph demo organisation (size=300, seed=7), part {k} of 5" for k in range(1, 6)]


@pytest.mark.parametrize("size,seed", [(50, 1), (300, 7), (2000, 6)])
def test_the_history_changes_the_failing_deployment(size, seed):
    """A month ago the production deployment had another owner (now in another team)
    and no steward; the leaver who still owns the labels was active then."""
    from graph_model.demo import iter_demo_units

    units = list(iter_demo_units(size, seed, NOW, chunk_artifacts=2000))
    f = demo_facts(size, seed, NOW)
    month_ago = replay([u for u in units if u.at <= NOW - timedelta(days=30)])
    now_m = build_demo(size, seed, NOW)
    dep_then = next(a for a in month_ago["artifacts"] if a["uid"] == f.failing_deployment)
    dep_now = next(a for a in now_m["artifacts"] if a["uid"] == f.failing_deployment)
    assert dep_then["owner"] != dep_now["owner"] and "stewards" not in dep_then and dep_now["stewards"]
    mover = dep_then["owner"]
    teams_then = {t["id"]: t["members"] for t in month_ago["teams"]}
    teams_now = {t["id"]: t["members"] for t in now_m["teams"]}
    moved_to = [t for t in teams_now if mover in teams_now[t]]
    assert len(moved_to) == 1 and mover in teams_then[moved_to[0]]
    assert not any(mover in m for t, m in teams_then.items() if t != moved_to[0])
    leaver = {p["id"]: p for p in month_ago["people"]}[f.inactive_owner]
    assert leaver["active"] is True
    assert sum(len(u.manifest.get("artifacts", ())) for u in units) == len(now_m["artifacts"]) + 3
