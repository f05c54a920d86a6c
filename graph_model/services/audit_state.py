"""Checks that the graph agrees with the audit log (``ownergraph audit verify --state``).

The hash chain proves the log was not edited; it cannot tell whether the graph holds
what the log says. This module replays every event into the state it describes
(people, teams, artifacts, versions, commits, runs and every relationship the write
path makes, with the properties it gives them) and compares that with the graph in
both directions: a change an event records that the graph lacks, and an ownership,
membership, version, lineage or other change in the graph that no event records.

What each event records is what ``ingest/manifest.py`` writes for it: a new version's
event carries its commit and run when they are new (``commit``, ``run`` in its
details, times as ISO text), and edges take the event's time (``since``/``until``)
and its reason. Cost: the log read once more, one read per node label and one over
all relationships, held in memory. Measured on the 10k demo (80k events, 343k nodes and
edges, FalkorDB, a loaded 2-core machine): 56 s and 0.54 GB for ``audit verify --state``
against 19 s and 0.19 GB for the chain alone, most of it fetching and decoding rows.
Meant for audits, not for every request; at 100k artifacts expect ten times that.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..schema import split_uid, to_epoch_ms
from ..store.base import GraphStore

PAGE = 5000
#: node labels the write path and the audit log themselves create
KNOWN_LABELS = {"Person", "Team", "Artifact", "Version", "Commit", "Run", "AuditEvent", "AuditHead", "Review"}
#: records kept beside the graph (playbooks, incidents and their timelines, knowledge
#: links): their events are their history and the nodes hold no relationships, so this
#: check neither replays nor counts them
RECORD_LABELS = {"Playbook", "Incident", "IncidentEntry", "Knowledge"}
RECORD_ACTIONS = ("playbook.", "incident.", "knowledge.")
#: what each kind's node holds besides its key, as the write path stores it
FIELDS = {
    "person": ("name", "email", "active"),
    "team": ("name", "escalation"),
    "artifact": ("kind", "namespace", "name", "description", "tags", "links"),
    "version": ("artifact_uid", "version", "seq", "created_at", "hyperparameters", "metrics", "deployment"),
    "commit": ("repo", "message", "time", "author"),
    "run": ("status", "started_at", "ended_at", "log_uri"),
}
_QUERY = {"person": "state_people", "team": "state_teams", "artifact": "state_artifacts",
          "version": "state_versions", "commit": "state_commits", "run": "state_runs"}
_KIND_OF_LABEL = {"Person": "person", "Team": "team", "Artifact": "artifact", "Version": "version",
                  "Commit": "commit", "Run": "run"}
# which end of a relationship names the target a disagreement is reported on
_TARGET_END = {"OWNS": "to", "MEMBER_OF": "to", "AUTHORED_BY": "from"}


@dataclass(frozen=True)
class Disagreement:
    """One way the graph and the log differ, on one target."""

    target_kind: str
    target: str
    message: str

    def __str__(self) -> str:
        return f"{self.target_kind} {self.target}: {self.message}"


@dataclass
class Expected:
    """The state the events describe."""

    nodes: dict[str, dict[str, dict]] = field(default_factory=lambda: {k: {} for k in FIELDS})
    created_by: dict[tuple[str, str], int] = field(default_factory=dict)
    # (type, from kind, from key, to kind, to key, frozen props) -> count
    edges: Counter = field(default_factory=Counter)
    problems: list[Disagreement] = field(default_factory=list)
    version_seq: Counter = field(default_factory=Counter)


_TIMES = {"time", "started_at", "ended_at"}


def _as_stored(details: dict, kind: str) -> dict:
    """A version event's commit/run as stored: times there are ISO text, stored as epoch ms."""
    out = {}
    for name in FIELDS[kind]:
        value = details.get(name)
        if name in _TIMES and isinstance(value, str):
            value = to_epoch_ms(datetime.fromisoformat(value))
        out[name] = value
    return out


def _clean(props: dict) -> dict:
    """Absent and null are the same to both engines (setting null removes a property)."""
    return {k: v for k, v in props.items() if v is not None}


def _edge_key(rtype: str, fk: str, fkey: str, tk: str, tkey: str, props: dict) -> tuple:
    return (rtype, fk, fkey, tk, tkey, tuple(sorted((k, json.dumps(v, sort_keys=True))
                                                 for k, v in _clean(props).items())))


class _Replay:
    def __init__(self) -> None:
        self.x = Expected()
        self.merged: set[tuple] = set()     # MERGEd edges exist once
        self.open: list[list] = []          # [type, fk, fkey, tk, tkey, props] of CREATEd edges

    # -- building blocks -------------------------------------------------------------

    def node(self, kind: str, key: str, seq: int, fields: dict) -> None:
        self.x.nodes[kind][key] = {f: fields.get(f) for f in FIELDS[kind]}
        self.x.created_by.setdefault((kind, key), seq)

    def update(self, kind: str, key: str, seq: int, delta: dict) -> None:
        node = self.x.nodes[kind].get(key)
        if node is None:
            self.x.problems.append(Disagreement(kind, key, f"event {seq} updates it, but no earlier event creates it"))
            return
        for name, (_, new) in delta.items():
            node[name] = new

    def merge_edge(self, rtype: str, fk: str, fkey: str, tk: str, tkey: str, **props: Any) -> None:
        key = _edge_key(rtype, fk, fkey, tk, tkey, props)
        self.merged.add(key)

    def create_edge(self, rtype: str, fk: str, fkey: str, tk: str, tkey: str, **props: Any) -> None:
        self.open.append([rtype, fk, fkey, tk, tkey, dict(props)])

    def close_edges(self, rtype: str, fk: str, fkey: str, tk: str, tkey: str, seq: int,
                    match: dict, **props: Any) -> None:
        found = False
        for e in self.open:
            if e[:5] == [rtype, fk, fkey, tk, tkey] and e[5].get("until") is None \
                    and all(e[5].get(k) == v for k, v in match.items()):
                e[5].update(props)
                found = True
        if not found:
            self.x.problems.append(Disagreement(tk, tkey, f"event {seq} closes a {rtype} from {fk} {fkey} "
                                                          "that no earlier event opens"))

    # -- events ----------------------------------------------------------------------

    def apply(self, e: dict) -> None:
        seq, action, t, at, reason = e["seq"], e["action"], e["target"], e["at"], e["reason"]
        d = json.loads(e["changes"] or "{}")
        if action.startswith(RECORD_ACTIONS):
            return
        handler = getattr(self, "_" + action.replace(".", "_"), None)
        if handler is None:
            self.x.problems.append(Disagreement(e["target_kind"] or "event", t,
                                                f"event {seq} has an action this check does not know: {action}"))
            return
        handler(seq, t, at, reason, d)

    def _review_record(self, seq, t, at, reason, d):
        # a recorded review (services.recorded_reviews): a Review node tied to its artifact
        self.merge_edge("REVIEW_OF", "Review", d.get("review"), "artifact", t)

    def _check_run(self, seq, t, at, reason, d):
        pass      # a policy check's summary (services.check_history): the event is the record

    def _person_create(self, seq, t, at, reason, d):
        self.node("person", t, seq, d)

    def _person_update(self, seq, t, at, reason, d):
        self.update("person", t, seq, d)

    def _team_create(self, seq, t, at, reason, d):
        self.node("team", t, seq, d)

    def _team_update(self, seq, t, at, reason, d):
        self.update("team", t, seq, d)

    def _team_member_add(self, seq, t, at, reason, d):
        self.create_edge("MEMBER_OF", "person", d["person"], "team", t, since=at)

    def _team_member_remove(self, seq, t, at, reason, d):
        self.close_edges("MEMBER_OF", "person", d["person"], "team", t, seq, {}, until=at)

    def _artifact_create(self, seq, t, at, reason, d):
        namespace, name = split_uid(t)
        self.node("artifact", t, seq, {**d, "namespace": namespace, "name": name})

    def _artifact_update(self, seq, t, at, reason, d):
        self.update("artifact", t, seq, d)

    def _ownership_open(self, seq, t, at, reason, d):
        self.create_edge("OWNS", "person", d["person"], "artifact", t, role=d["role"], since=at, reason=reason)

    def _ownership_close(self, seq, t, at, reason, d):
        self.close_edges("OWNS", "person", d["person"], "artifact", t, seq, {"role": d["role"]},
                         until=at, end_reason=reason)

    def _team_ownership_open(self, seq, t, at, reason, d):
        self.create_edge("OWNS", "team", d["team"], "artifact", t, role="team", since=at, reason=reason)

    def _team_ownership_close(self, seq, t, at, reason, d):
        self.close_edges("OWNS", "team", d["team"], "artifact", t, seq, {}, until=at, end_reason=reason)

    def _version_create(self, seq, t, at, reason, d):
        uid, _, version = t.partition("@")  # artifact uids hold no '@'
        self.x.version_seq[uid] += 1
        self.node("version", t, seq, {**d, "artifact_uid": uid, "version": version,
                                      "seq": self.x.version_seq[uid]})
        self.merge_edge("VERSION_OF", "version", t, "artifact", uid)
        if d.get("previous"):
            self.merge_edge("PREVIOUS", "version", t, "version", d["previous"])
        commit = d.get("commit")
        if commit:
            sha = commit["sha"]
            if sha not in self.x.nodes["commit"]:
                self.node("commit", sha, seq, _as_stored(commit, "commit"))
                if commit.get("author"):
                    self.merge_edge("AUTHORED_BY", "commit", sha, "person", commit["author"])
            self.merge_edge("BUILT_FROM", "version", t, "commit", sha)
        run = d.get("run")
        if run:
            if run["id"] not in self.x.nodes["run"]:
                self.node("run", run["id"], seq, _as_stored(run, "run"))
            self.merge_edge("PRODUCED_BY", "version", t, "run", run["id"])
        for up in d.get("derived_from") or []:
            self.merge_edge("DERIVED_FROM", "version", t, "version", up["uid"], relation=up["relation"])

    def _version_update(self, seq, t, at, reason, d):
        self.update("version", t, seq, d)

    def _lineage_add(self, seq, t, at, reason, d):
        self.merge_edge("DERIVED_FROM", "version", t, "version", d["upstream"], relation=d["relation"])

    def _version_commit(self, seq, t, at, reason, d):
        self.merge_edge("BUILT_FROM", "version", t, "commit", d["commit"])

    def _commit_create(self, seq, t, at, reason, d):
        self.node("commit", t, seq, d)
        if d.get("author"):
            self.merge_edge("AUTHORED_BY", "commit", t, "person", d["author"])

    def _commit_update(self, seq, t, at, reason, d):
        self.update("commit", t, seq, d)
        if "author" in d and d["author"][1]:
            self.merge_edge("AUTHORED_BY", "commit", t, "person", d["author"][1])

    def _run_create(self, seq, t, at, reason, d):
        self.node("run", t, seq, d)
        self.merge_edge("PRODUCED_BY", "version", d["version"], "run", t)

    def _run_update(self, seq, t, at, reason, d):
        self.update("run", t, seq, d)

    def _run_link(self, seq, t, at, reason, d):
        self.merge_edge("PRODUCED_BY", "version", t, "run", d["run"])

    def result(self) -> Expected:
        for key in self.merged:
            self.x.edges[key] += 1
        for rtype, fk, fkey, tk, tkey, props in self.open:
            self.x.edges[_edge_key(rtype, fk, fkey, tk, tkey, props)] += 1
        return self.x


def expected_state(store: GraphStore) -> Expected:
    """Replay the whole log, in order, into the state it describes."""
    replay = _Replay()
    after = 0
    while True:
        page = store.read("audit_events_page", after=after, limit=PAGE)
        for event in page:
            replay.apply(event)
        if len(page) < PAGE:
            break
        after = page[-1]["seq"]
    return replay.result()


def _describe_edge(key: tuple) -> tuple[str, str, str]:
    rtype, fk, fkey, tk, tkey, props = key
    shown = ", ".join(f"{k} {json.loads(v)!r}" for k, v in props)
    end = _TARGET_END.get(rtype, "from")
    kind, target = (tk, tkey) if end == "to" else (fk, fkey)
    other = f"from {fk} {fkey}" if end == "to" else f"to {tk} {tkey}"
    return kind, target, f"{rtype} {other}" + (f" ({shown})" if shown else "")


def check_state(store: GraphStore) -> list[Disagreement]:
    """Every disagreement between the graph and the log; empty when they agree."""
    x = expected_state(store)
    out = list(x.problems)
    for kind, expected in x.nodes.items():
        stored = {r["key"]: r for r in store.read(_QUERY[kind])}
        for key in sorted(expected.keys() - stored.keys(), key=str):
            out.append(Disagreement(kind, key, f"event {x.created_by[(kind, key)]} records its creation, "
                                               "but the graph does not hold it"))
        for key in sorted(stored.keys() - expected.keys(), key=str):
            out.append(Disagreement(kind, str(key), "the graph holds it, but no event records its creation"))
        for key in sorted(expected.keys() & stored.keys(), key=str):
            for name in FIELDS[kind]:
                want, have = expected[key].get(name), stored[key].get(name)
                if want != have:
                    out.append(Disagreement(kind, key, f"{name} is {have!r} in the graph, "
                                                       f"the log records {want!r}"))
    for row in store.read("count_nodes"):
        if row["label"] not in KNOWN_LABELS | RECORD_LABELS:
            out.append(Disagreement("node", str(row["label"]),
                                    f"{row['n']} node(s) with this label; no event records any"))
    found: Counter = Counter()
    for r in store.read("state_relationships"):
        fk = _KIND_OF_LABEL.get(r["from_label"], r["from_label"])
        tk = _KIND_OF_LABEL.get(r["to_label"], r["to_label"])
        found[_edge_key(r["type"], fk, r["from_key"], tk, r["to_key"], r["props"] or {})] += 1
    for key, n in sorted((x.edges - found).items(), key=str):
        kind, target, what = _describe_edge(key)
        out.append(Disagreement(kind, target, f"{what}: recorded by the log, absent from the graph"
                                              + (f" ({n} times)" if n > 1 else "")))
    for key, n in sorted((found - x.edges).items(), key=str):
        kind, target, what = _describe_edge(key)
        out.append(Disagreement(kind, target, f"{what}: in the graph, recorded by no event"
                                              + (f" ({n} times)" if n > 1 else "")))
    return out
