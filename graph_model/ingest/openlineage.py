"""Applies OpenLineage events through the one write path: a planner, as ``manifest`` is.

Mapping (docs/lineage.md has the user's version):

- a job -> an artifact of kind ``pipeline``; every input and output dataset -> an
  artifact of kind ``dataset`` (uids by ``ol_names``; the kind is set on creation only,
  so a kind a person chose stays). The facets kept (``schema``, ``documentation``,
  ``sql``, ``sourceCodeLocation``) are stored per facet with the event time they came
  from; an older event never replaces a newer facet, whatever the arrival order.
- a run -> a ``Run`` (id, status from the event types, start = earliest START/RUNNING
  time, end = the terminal event's time, the parent facet as ``CHILD_OF`` the parent run
  which is ``RUN_OF`` its job, error message), ``RUN_OF`` its job, ``WRITES`` the
  outputs it names; and a version of the pipeline named by the run id
  (``<job uid>@<run id>``) made at the run's first event time, ``PRODUCED_BY`` the run,
  ``BUILT_FROM`` the commit of ``sourceCodeLocation`` when its version is a git sha,
  ``DERIVED_FROM`` (relation ``input``) the newest version of each input created
  before each event's time (the run's own versions left out; an input never written by
  an observed run gets a version ``observed``).
- a run that completes writes: each output gets a version ``<dataset uid>@<run id>``
  made at the completion time, ``DERIVED_FROM`` (relation ``written_by``) the run's
  pipeline version, so the inputs it read are its upstream at two hops, with the job
  between them; it keeps the schema facet's columns. A failed or aborted run records no
  output version; its pipeline is flagged ``run_failed`` (``services.runs``).
- the ownership facet -> a declaration by ``openlineage:<producer>`` (``services.declared``):
  ``user:<id or e-mail>`` a person, ``team:<id or name>`` a team; the first person
  declared is the primary, the others stewards.

Idempotent and order-free within a run: every value is a function of the set of events
seen (minimum, maximum, newest by event time), so the same event twice writes nothing,
and START after COMPLETE gives the graph COMPLETE after START gives. Across runs, an
input is resolved to the versions known when the reading event arrives.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Callable, Iterable

from ..schema import REPO_SCHEMES, SHA_RE, canonical_json, split_uid, url_problem
from ..services import declared, write_path
from ..services.audit import Change
from ..store.base import GraphStore, Reader, Statement, batched, read_all
from .manifest import Builder
from . import ol_group
from .ol_events import Event, Node

STATEMENT_ORDER = (
    "ol_upsert_artifacts", "ol_create_runs", "ol_upsert_runs", "ol_link_parent_runs", "ol_link_writes",
    "ol_upsert_commits", "ol_create_versions", "ol_upsert_versions", "link_previous", "ol_link_produced_by",
    "link_built_from", "add_lineage",
)
KEPT_FACETS = ("schema", "documentation", "sql", "sourceCodeLocation")
STATUS = {"START": "running", "RUNNING": "running", "COMPLETE": "completed", "FAIL": "failed",
          "ABORT": "aborted"}
TERMINAL = {"completed": "COMPLETE", "failed": "FAIL", "aborted": "ABORT"}
# when two terminal events carry the same time, the worse one wins
PRECEDENCE = {"COMPLETE": 0, "ABORT": 1, "FAIL": 2}
OBSERVED = "observed"
SOURCE_PREFIX = "openlineage:"


class _Reads:
    """Reads by key lists (500 keys a call), sent together (``read_all``: one query,
    with the audit head as its first part) and answered as one dict per ``add``, keyed by ``key``."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.calls: list[tuple[str, dict]] = []
        self.owners: list[tuple[int, str]] = []   # (result index, key field) per call
        self.count = 0

    def add(self, query: str, param: str, keys: list, key: str) -> "_Reads":
        for chunk in batched(keys, 500):
            self.calls.append((query, {param: chunk}))
            self.owners.append((self.count, key))
        self.count += 1
        return self

    def run(self) -> list[dict[str, dict]]:
        out: list[dict[str, dict]] = [{} for _ in range(self.count)]
        for (i, key), rows in zip(self.owners, read_all(self.reader, self.calls)):
            for r in rows:
                if r.get(key) is not None:
                    out[i][r[key]] = r
        return out


def _version_keys(runs: Iterable[tuple[str, str, set[str], list[Event]]]) -> tuple[set[str], set[str]]:
    """For (run id, job uid, output uids, events) of each run: the version uids the runs
    may make or extend (the job's and each output's ``@<run id>``, each input's
    ``@observed``) and the artifacts whose newest version they chain on."""
    versions, arts = set(), set()
    for rid, job, outputs, events in runs:
        versions.add(f"{job}@{rid}")
        arts.add(job)
        for uid in outputs:
            versions.add(f"{uid}@{rid}")
            arts.add(uid)
        for e in events:
            for n in e.inputs:
                versions.add(f"{n.uid}@{OBSERVED}")
                arts.add(n.uid)
    return versions, arts


def _latest_from_pointers(artifacts: dict[str, dict], uids: set[str]) -> tuple[dict[str, dict], list[str]]:
    """``latest_versions_of`` for ``uids`` as far as the stored artifacts' pointers tell
    it, and the uids of stored artifacts without one (read). An artifact not stored has
    no versions."""
    found, unpointed = {}, []
    for uid in sorted(uids):
        a = artifacts.get(uid)
        if a is None:
            continue
        if a.get("latest_version") is not None and a.get("latest_seq") is not None:
            found[uid] = {"uid": uid, "latest": a["latest_version"], "seq": a["latest_seq"]}
        else:
            unpointed.append(uid)
    return found, unpointed


def _before_from_pointers(artifacts: dict[str, dict], rows: list[dict]) -> tuple[dict[str, dict], list[dict]]:
    """``ol_version_before`` for the rows the artifact's newest version answers (it is
    before the instant and not the asking run's own, so it is the newest of those before
    the instant: the query's own first step), and the rows left for the query."""
    found, scan = {}, []
    for r in rows:
        a = artifacts.get(r["uid"]) or {}
        nv, na = a.get("newest_version"), a.get("newest_at")
        if nv is not None and na is not None and na < r["before"] and nv != r["exclude"]:
            found[r["key"]] = {"key": r["key"], "uid": nv, "created_at": na}
        else:
            scan.append(r)
    return found, scan


def owner_declarations(owners: list[dict]) -> list[declared.Declared]:
    """The ownership facet's owners as declarations (first person primary, others stewards)."""
    out, people = [], 0
    for o in owners:
        name, note = o["name"], o.get("type")
        prefix, _, rest = name.partition(":")
        if prefix.lower() == "team" and rest.strip():
            out.append(declared.Declared("team", rest.strip(), "team", note))
            continue
        holder = rest.strip() if prefix.lower() == "user" and rest.strip() else name
        out.append(declared.Declared("primary" if people == 0 else "steward", holder, "person", note))
        people += 1
    return out


class _Plan:
    """One planning pass over a list of events (one request) against the stored state."""

    def __init__(self, events: list[Event], reader: Reader, at: int) -> None:
        self.events = sorted(events, key=lambda e: (e.time, e.path))
        self.reader = reader
        self.at = at
        self.b = Builder(STATEMENT_ORDER)
        self.runs = defaultdict(list)
        for e in self.events:
            if e.kind == "run":
                self.runs[e.run_id].append(e)
        self.latest: dict[str, dict] = {}        # artifact uid -> {latest, seq}
        self.versions: dict[str, dict] = {}      # stored versions by uid
        self.planned: dict[str, dict] = {}       # versions created in this plan
        self.run_state: dict[str, dict] = {}

    def who(self, e: Event) -> dict:
        return {"producer": e.producer, "run": e.run_id} if e.run_id else {"producer": e.producer}

    # -- artifacts -------------------------------------------------------------------
    def _named(self) -> dict[str, list[tuple[Event, str, Node]]]:
        """Artifact uid -> (event, kind, node) for every job and dataset the events name."""
        seen: dict[str, list[tuple[Event, str, Node]]] = defaultdict(list)
        for e in self.events:
            if e.job:
                seen[e.job.uid].append((e, "pipeline", e.job))
            if e.dataset:
                seen[e.dataset.uid].append((e, "dataset", e.dataset))
            for n in e.inputs + e.outputs:
                seen[n.uid].append((e, "dataset", n))
            if e.parent:
                seen[e.parent["job"].uid].append((e, "pipeline", e.parent["job"]))
        return seen

    def artifacts(self) -> None:
        seen = self.named
        stored = self.stored_artifacts
        for uid in sorted(seen):
            items = seen[uid]
            cur = stored.get(uid)
            lineage = json.loads(cur["lineage"]) if cur and cur.get("lineage") else {}
            facets = dict(lineage.get("facets") or {})
            for e, _, node in items:
                for name in KEPT_FACETS:
                    if name in node.facets:
                        have = facets.get(name)
                        if have is None or e.time >= have["at"]:
                            facets[name] = {"at": e.time, "value": node.facets[name]}
            first_e, kind, node = items[0]
            text = canonical_json({"facets": facets}) if facets else None
            namespace, name = split_uid(uid)
            row = {"uid": uid, "kind": kind, "namespace": namespace, "name": name,
                   "origin_namespace": node.namespace, "origin_name": node.name, "lineage": text}
            if cur is None:
                self.b.row("ol_upsert_artifacts", **row)
                self.b.change("artifact.create", "artifact", uid, kind=kind, origin_namespace=node.namespace,
                              origin_name=node.name, facets=sorted(facets), **self.who(first_e))
            elif (text != cur.get("lineage") or cur.get("origin_namespace") != node.namespace
                  or cur.get("origin_name") != node.name):
                old = (json.loads(cur["lineage"]).get("facets") or {}) if cur.get("lineage") else {}
                changed = sorted(k for k in facets if old.get(k) != facets[k])
                self.b.row("ol_upsert_artifacts", **row)
                self.b.change("artifact.update", "artifact", uid, facets=changed,
                              origin_namespace=node.namespace, origin_name=node.name, **self.who(items[-1][0]))

    # -- runs ------------------------------------------------------------------------
    def fold_runs(self) -> None:
        stored = self.stored_runs
        for rid in sorted(self.runs):
            evs = self.runs[rid]
            cur = stored.get(rid) or {}
            last = evs[-1]
            starts = [e.time for e in evs if e.event_type in ("START", "RUNNING")]
            if cur.get("started_at") is not None:
                starts.append(cur["started_at"])
            terminals = [(e.time, PRECEDENCE[e.event_type], e.event_type) for e in evs if e.event_type in PRECEDENCE]
            if cur.get("status") in TERMINAL and cur.get("ended_at") is not None:
                t = TERMINAL[cur["status"]]
                terminals.append((cur["ended_at"], PRECEDENCE[t], t))
            if terminals:
                ended_at, _, kind = max(terminals)
                status = STATUS[kind]
            else:
                ended_at = None
                status = "running" if starts else (cur.get("status") or "other")
            seen = [e.time for e in evs] + ([cur["seen_at"]] if cur.get("seen_at") is not None else [])
            with_parent = [e for e in evs if e.parent]
            parent = with_parent[-1].parent if with_parent else None
            with_error = [e for e in evs if e.error]
            error = with_error[-1].error if with_error else None
            fields = {
                "job_uid": last.job.uid, "status": status, "started_at": min(starts) if starts else None,
                "ended_at": ended_at, "seen_at": min(seen),
                "parent_run": parent["run_id"] if parent else cur.get("parent_run"),
                "error_message": error["message"] if error else cur.get("error_message"),
                "error_language": error["language"] if error else cur.get("error_language"),
                "producer": cur.get("producer") or evs[0].producer,
            }
            self.run_state[rid] = dict(fields, writes=set(cur.get("writes") or []),
                                       outputs=[n for e in evs for n in e.outputs], events=evs)
            delta = {k: [cur.get(k), v] for k, v in fields.items() if cur.get(k) != v}
            if not cur:
                self.b.row("ol_create_runs", id=rid, **fields)
                self.b.change("run.create", "run", rid, **(fields | self.who(last)))
            elif delta:
                self.b.row("ol_upsert_runs", id=rid, **fields)
                self.b.change("run.update", "run", rid, **(delta | self.who(last)))
            if parent and cur.get("parent_run") != parent["run_id"]:
                self.b.row("ol_link_parent_runs", id=rid, parent=parent["run_id"], parent_job=parent["job"].uid)
                if cur:
                    self.b.change("run.parent", "run", rid, parent=parent["run_id"],
                                  parent_job=parent["job"].uid, **self.who(last))
            for uid in sorted({n.uid for n in self.run_state[rid]["outputs"]} - self.run_state[rid]["writes"]):
                self.b.row("ol_link_writes", id=rid, uid=uid)
                self.b.change("run.output", "run", rid, artifact=uid, **self.who(last))

    # -- versions --------------------------------------------------------------------
    def _new_version(self, auid: str, version: str, created_at: int, run: str | None,
                     schema: str | None, sha: str | None, who: dict) -> dict:
        vuid = f"{auid}@{version}"
        latest = self.latest.setdefault(auid, {"latest": None, "seq": 0})
        seq = int(latest["seq"] or 0) + 1
        v = {"uid": vuid, "artifact_uid": auid, "version": version, "seq": seq, "created_at": created_at,
             "schema": schema, "run": run, "sha": sha, "previous": latest["latest"], "derived": [], "who": who}
        latest.update(latest=vuid, seq=seq)
        self.planned[vuid] = v
        return v

    def _commit(self, evs: list[Event]) -> tuple[str | None, str | None]:
        """(sha, repo) of the newest sourceCodeLocation of the run's job whose version is a sha."""
        for e in reversed(evs):
            loc = e.job.facets.get("sourceCodeLocation") if e.job else None
            if loc and loc.get("version") and SHA_RE.match(loc["version"].lower()):
                repo = loc.get("repoUrl") or loc.get("url")
                if repo and url_problem(repo, "repo", REPO_SCHEMES, scp=True):
                    repo = None
                return loc["version"].lower(), repo
        return None, None

    def versions_of_runs(self) -> None:
        if not self.runs:
            return
        candidates, arts = _version_keys(
            (rid, st["job_uid"], {n.uid for n in st["outputs"]} | st["writes"], st["events"])
            for rid, st in self.run_state.items())
        # what the prefetch could not know: outputs a stored run named in earlier events
        more = _Reads(self.reader).add("ol_versions_by_uids", "uids", sorted(candidates - self.asked_versions), "uid") \
            .add("latest_versions_of", "uids", sorted(arts - self.asked_latest), "uid").run()
        self.versions = {**self.stored_versions, **more[0]}
        for v in self.versions.values():
            v["upstream"] = {(u["uid"], u["relation"]) for u in v.get("upstream") or [] if u.get("uid")}
        self.latest = {**self.stored_latest, **more[1]}
        for rid in sorted(self.run_state):
            st = self.run_state[rid]
            sha, repo = self._commit(st["events"])
            who = {"producer": st["producer"], "run": rid}
            pv = f"{st['job_uid']}@{rid}"
            cur = self.versions.get(pv)
            if cur is None:
                if sha:
                    self.b.row("ol_upsert_commits", sha=sha, repo=repo)
                v = self._new_version(st["job_uid"], rid, st["seen_at"], rid, None, sha, who)
                v["commit_repo"] = repo
            elif cur["created_at"] != st["seen_at"]:
                self.b.row("ol_upsert_versions", uid=pv, artifact_uid=st["job_uid"], version=rid, seq=cur["seq"],
                           created_at=st["seen_at"], schema=cur.get("schema"))
                self.b.change("version.update", "version", pv, created_at=[cur["created_at"], st["seen_at"]], **who)
            st["commit"] = sha or (cur or {}).get("sha")
        # outputs of completed runs, before inputs are resolved (a batch may write then read)
        for rid in sorted(self.run_state):
            st = self.run_state[rid]
            if st["status"] != "completed":
                continue
            schemas: dict[str, Any] = {}
            for e in st["events"]:
                for n in e.outputs:
                    if "schema" in n.facets:
                        schemas[n.uid] = n.facets["schema"]
            for uid in sorted({n.uid for n in st["outputs"]} | st["writes"]):
                ov = f"{uid}@{rid}"
                if ov in self.versions or ov in self.planned:
                    continue
                schema = canonical_json(schemas[uid]) if uid in schemas else None
                v = self._new_version(uid, rid, st["ended_at"], rid, schema, st["commit"],
                                      {"producer": st["producer"], "run": rid})
                v["derived"].append((f"{st['job_uid']}@{rid}", "written_by"))

    def _asks(self) -> dict[str, dict]:
        """(run, input, instant) -> what the input's version is looked up by."""
        asks: dict[str, dict] = {}
        for rid, evs in self.runs.items():
            for e in evs:
                for n in e.inputs:
                    key = f"{rid}|{n.uid}|{e.time}"
                    asks[key] = {"key": key, "uid": n.uid, "before": e.time, "exclude": f"{n.uid}@{rid}",
                                 "rid": rid}
        return asks

    def inputs(self) -> None:
        asks = self.asks
        found = {k: r for k, r in self.found_before.items() if r.get("uid")}
        planned_of: dict[str, list[dict]] = defaultdict(list)
        for v in self.planned.values():
            planned_of[v["artifact_uid"]].append(v)
        for key in sorted(asks):
            a = asks[key]
            best = found.get(key)
            best = (best["created_at"], best["uid"]) if best else None
            for v in planned_of.get(a["uid"], ()):
                if v["created_at"] < a["before"] and v["uid"] != a["exclude"]:
                    if best is None or (v["created_at"], v["uid"]) > best:
                        best = (v["created_at"], v["uid"])
            if best is None:
                base = f"{a['uid']}@{OBSERVED}"
                self._observed(base, a)
                target = base
            else:
                target = best[1]
            st = self.run_state[a["rid"]]
            self._derive(f"{st['job_uid']}@{a['rid']}", target, "input", {"producer": st["producer"], "run": a["rid"]})

    def _observed(self, base: str, a: dict) -> None:
        """The version of an input no observed run wrote: made at the earliest event that
        read it, whatever order the events arrive in."""
        who = {"producer": self.run_state[a["rid"]]["producer"], "run": a["rid"]}
        if base in self.planned:
            v = self.planned[base]
            v["created_at"] = min(v["created_at"], a["before"])
        elif base not in self.versions:
            self._new_version(a["uid"], OBSERVED, a["before"], None, None, None, who)
        elif self.versions[base]["created_at"] > a["before"]:
            cur = self.versions[base]
            self.b.row("ol_upsert_versions", uid=base, artifact_uid=a["uid"], version=OBSERVED, seq=cur["seq"],
                       created_at=a["before"], schema=cur.get("schema"))
            self.b.change("version.update", "version", base, created_at=[cur["created_at"], a["before"]], **who)
            cur["created_at"] = a["before"]

    def _derive(self, vuid: str, upstream: str, relation: str, who: dict) -> None:
        planned = self.planned.get(vuid)
        if planned is not None:
            if (upstream, relation) not in planned["derived"]:
                planned["derived"].append((upstream, relation))
            return
        cur = self.versions[vuid]
        if (upstream, relation) in cur["upstream"]:
            return
        cur["upstream"].add((upstream, relation))
        self.b.row("add_lineage", uid=vuid, upstream=upstream, relation=relation)
        self.b.change("lineage.add", "version", vuid, upstream=upstream, relation=relation, **who)

    def emit_versions(self) -> None:
        for vuid, v in self.planned.items():   # none is stored (``_new_version``)
            self.b.row("ol_create_versions", uid=vuid, artifact_uid=v["artifact_uid"], version=v["version"],
                       seq=v["seq"], created_at=v["created_at"], schema=v["schema"])
            if v["previous"]:
                self.b.row("link_previous", uid=vuid, previous=v["previous"])
            if v["run"]:
                self.b.row("ol_link_produced_by", uid=vuid, run=v["run"])
            if v["sha"]:
                self.b.row("link_built_from", uid=vuid, sha=v["sha"])
            for up, rel in v["derived"]:
                self.b.row("add_lineage", uid=vuid, upstream=up, relation=rel)
            self.b.change("version.create", "version", vuid, created_at=v["created_at"], previous=v["previous"],
                          commit=({"sha": v["sha"], "repo": v.get("commit_repo")} if v["sha"] else None),
                          schema=json.loads(v["schema"]) if v["schema"] else None,
                          derived_from=[{"uid": u, "relation": r} for u, r in v["derived"]], **v["who"])

    # -- ownership -------------------------------------------------------------------
    def declarations(self) -> tuple[list[Statement], list[Change]]:
        newest: dict[tuple[str, str], tuple[Event, list[dict]]] = {}
        for e in self.events:
            for n in ([e.job] if e.job else []) + ([e.dataset] if e.dataset else []) + e.inputs + e.outputs:
                if "ownership" in n.facets:
                    newest[(n.uid, SOURCE_PREFIX + e.producer)] = (e, n.facets["ownership"])
        items = {k: owner_declarations(owners) for k, (_, owners) in newest.items()}
        who = {k: self.who(e) for k, (e, _) in newest.items()}
        stmts, changes = declared.plan(self.reader, self.at, items, details_by=who)
        return stmts, changes

    def prefetch(self) -> None:
        """Every read whose keys the events alone give: artifacts, runs and the versions
        the runs may make or extend, sent together (one query on both engines); then the
        newest version of each artifact involved and each input's version before each
        read, which the artifacts' version pointers (``advance_version_pointers``) mostly
        answer, so only the rest is read, in a second query when there is any. Why: on
        Neo4j at 100k these two reads were half of a unit's reads (a unit of 1,000 batch
        events: 1,579 artifacts looked up again, 2,500 rows that found the artifact
        once more to read its pointer)."""
        self.named = self._named()
        versions, latest = _version_keys(
            (rid, evs[-1].job.uid, {n.uid for e in evs for n in e.outputs}, evs) for rid, evs in self.runs.items())
        self.asks = self._asks()
        rows = [{k: a[k] for k in ("key", "uid", "before", "exclude")} for a in self.asks.values()]
        (self.stored_artifacts, self.stored_runs, self.stored_versions) = (
            _Reads(self.reader)
            .add("ol_artifacts_by_uids", "uids", sorted(self.named), "uid")
            .add("ol_runs_by_ids", "ids", sorted(self.runs), "id")
            .add("ol_versions_by_uids", "uids", sorted(versions), "uid").run())
        self.stored_latest, unpointed = _latest_from_pointers(self.stored_artifacts, latest)
        self.found_before, scan = _before_from_pointers(self.stored_artifacts, rows)
        if unpointed or scan:
            more_latest, more_before = (_Reads(self.reader)
                                        .add("latest_versions_of", "uids", unpointed, "uid")
                                        .add("ol_version_before", "rows", scan, "key").run())
            self.stored_latest.update(more_latest)
            self.found_before.update(more_before)
        self.asked_versions, self.asked_latest = versions, latest

    def run(self) -> write_path.ChangePlan:
        self.prefetch()
        return self.rest()

    def rest(self) -> write_path.ChangePlan:
        """Everything after ``prefetch``: reads only what the events' stored state still
        leaves open (an ownership facet's people and teams, versions of runs the
        prefetch did not name)."""
        self.artifacts()
        self.fold_runs()
        self.versions_of_runs()
        self.inputs()
        self.emit_versions()
        stmts, changes = self.declarations()
        return write_path.ChangePlan(self.b.statements() + stmts, self.b.changes + changes)


def plan_events(events: list[Event], reader: Reader, at: int) -> write_path.ChangePlan:
    """Diff ``events`` (already checked by ``ol_events.events``) against the graph."""
    return _Plan(events, reader, at).run()


def prefetched(events: list[Event], reader: Reader) -> _Plan:
    """A plan of ``events`` with its first reads done (``_Plan.prefetch``), to be
    finished later by ``finish`` (``ol_ahead``: the reads in one unit's transaction, the
    rest while it commits)."""
    plan = _Plan(events, reader, 0)
    plan.prefetch()
    return plan


def finish(plan: _Plan, reader: Reader, at: int) -> write_path.ChangePlan:
    """The rest of a ``prefetched`` plan, made at ``at`` with ``reader`` for what is left."""
    plan.reader, plan.at = reader, at
    return plan.rest()


def _write(store: GraphStore, events: list[Event], actor: str | None, reason: str,
           at: int | None = None, ahead: write_path.Ahead | None = None,
           after: Callable[[Reader], None] | None = None,
           wrap: Callable[[Reader], Reader] | None = None,
           planned: Callable[[Any], None] | None = None) -> write_path.WriteSummary:
    def planner(reader: Reader, when: int) -> write_path.ChangePlan:
        return plan_events(events, wrap(reader) if wrap is not None else reader, when)
    return write_path.apply(store, planner, actor=actor, reason=reason, at=at, ahead=ahead, after=after,
                            planned=planned)


# One lineage write at a time per process, queued requests joined (``ol_group``). Why
# one at a time: the embedded engine's write unit is optimistic (re-planned on
# conflict); with 4 clients posting events, plans of ~10 reads each collided until the
# retry budget ran out and clients got 503s. (Both engines serialise writers anyway.)
_COMMITTER = ol_group.Committer(_write)


def apply_queued(store: GraphStore, events: list[Event], actor: str | None, reason: str, *,
                 ahead: write_path.Ahead | None = None,
                 after: Callable[[Reader], None] | None = None,
                 wrap: Callable[[Reader], Reader] | None = None,
                 planned: Callable[[Any], None] | None = None) -> write_path.WriteSummary:
    """One unit of the lineage queue's writer (``ol_spool``), in turn with direct writes;
    ``ahead``, ``after`` and ``planned`` as ``write_path.apply`` takes them (``ol_ahead``,
    ``ol_overlay``); ``wrap`` wraps the reader the unit's planner reads through."""
    with _COMMITTER.lock:
        return _write(store, events, actor, reason, ahead=ahead, after=after, wrap=wrap, planned=planned)


def ingest(store: GraphStore, events: list[Event], *, actor: str | None = None,
           at: int | None = None) -> write_path.WriteSummary:
    """Apply checked events as one audited unit (all or nothing); concurrent callers may
    share a unit (see ``ol_group``). An explicit ``at`` is never joined with others."""
    reason = ol_group.reason_of(events)
    if at is not None:
        with _COMMITTER.lock:
            return _write(store, events, actor, reason, at)
    return _COMMITTER.submit(store, events, actor, reason)
