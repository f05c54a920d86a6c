"""Reads the current state of everything a manifest mentions, in batched queries.

The planner diffs against this snapshot; it is read inside the write unit so that what
we diff against is what we write over.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import Manifest, version_uid
from ..store.base import Reader, batched


@dataclass
class State:
    people: dict[str, dict] = field(default_factory=dict)
    teams: dict[str, dict] = field(default_factory=dict)
    artifacts: dict[str, dict] = field(default_factory=dict)
    versions: dict[str, dict] = field(default_factory=dict)   # the manifest's own stored versions
    known_versions: set[str] = field(default_factory=set)     # those and the stored upstream ones
    latest: dict[str, dict] = field(default_factory=dict)   # artifact uid -> {latest, seq}
    commits: dict[str, dict] = field(default_factory=dict)
    runs: dict[str, dict] = field(default_factory=dict)


def _fetch(reader: Reader, query: str, key_param: str, keys: set[str], key_field: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for chunk in batched(sorted(keys)):
        for row in reader(query, **{key_param: chunk}):
            out[row[key_field]] = row
    return out


def referenced_people(m: Manifest) -> set[str]:
    ids = {p.id for p in m.people}
    for t in m.teams:
        ids.update(t.members, t.escalation)
    for a in m.artifacts:
        if a.owner:
            ids.add(a.owner)
        ids.update(a.stewards)
        for v in a.versions:
            if v.commit and v.commit.author:
                ids.add(v.commit.author)
    return ids


def load_state(m: Manifest, reader: Reader) -> State:
    """Everything the manifest names (and what it references) as the store holds it now."""
    st = State()
    st.people = _fetch(reader, "people_by_ids", "ids", referenced_people(m), "id")
    team_ids = {t.id for t in m.teams} | {a.team for a in m.artifacts if a.team}
    st.teams = _fetch(reader, "teams_by_ids", "ids", team_ids, "id")
    uids = {a.uid for a in m.artifacts}
    st.artifacts = _fetch(reader, "artifacts_by_uids", "uids", uids, "uid")
    existing_uids = set(st.artifacts)
    st.latest = _fetch(reader, "latest_versions_of", "uids", existing_uids, "uid") if existing_uids else {}
    own: set[str] = set()
    upstream: set[str] = set()
    for a in m.artifacts:
        for v in a.versions:
            # a version exists only with its artifact: a new artifact's versions are new
            # (a bulk load of new artifacts read 2,300 absent versions a unit for nothing)
            if a.uid in existing_uids:
                own.add(version_uid(a.uid, v.version))
            upstream.update(d.uid for d in v.derived_from)
    st.versions = _fetch(reader, "versions_by_uids", "uids", own, "uid")
    for row in st.versions.values():
        row["upstream"] = [u for u in row.get("upstream") or [] if u.get("uid")]
    # an upstream version is only looked up: a unit of a bulk load read ~2,300 of them in
    # full (maps, commit, run, edges) to learn that they exist
    st.known_versions = set(st.versions) | set(
        _fetch(reader, "versions_existing", "uids", upstream - own, "uid"))
    shas = {v.commit.sha for a in m.artifacts for v in a.versions if v.commit}
    st.commits = _fetch(reader, "commits_by_shas", "shas", shas, "sha")
    run_ids = {v.run.id for a in m.artifacts for v in a.versions if v.run}
    st.runs = _fetch(reader, "runs_by_ids", "ids", run_ids, "id")
    return st
