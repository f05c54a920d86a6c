"""What a planned lineage unit leaves, told before the engine writes it (the embedded
engine's writer plans the next unit over it: ``ol_overlay``).

Why a module of its own: the rules here restate, in Python, what each lineage statement's
Cypher does to the rows the planner reads back (``ol_artifacts_by_uids``,
``ol_runs_by_ids``, ``ol_versions_by_uids``), and nothing else may depend on them being
exact without a test holding them to the engines (``tests/contract/test_lineage_overlay.py``).

- ``Recorder`` wraps a planner's reader and keeps a copy of each row the keyed reads
  answered (a key asked and not found is kept as absent).
- ``Outcome.of`` applies the unit's statement rows to those rows, statement by statement,
  as their Cypher does (the ``ON CREATE`` kind, the version pointers' forward move, the
  ``WRITES``, ``PRODUCED_BY``, ``BUILT_FROM`` and ``DERIVED_FROM`` sets), and takes the
  audit head the unit leaves. It gives None, or marks a key unknown, wherever it cannot
  tell exactly: a statement outside the lineage set (an ownership facet's declarations), a
  version whose time moves (``ol_upsert_versions``), a pointer that would be found again
  by a scan, a parent run made by reference.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable

from ..store.base import Plan, Reader

#: the keyed reads: query -> (its key-list parameter, the key field of its rows)
KEYED = {"ol_artifacts_by_uids": ("uids", "uid"), "ol_runs_by_ids": ("ids", "id"),
         "ol_versions_by_uids": ("uids", "uid")}
#: statements that change nothing the planner's reads return
INERT = frozenset({"audit_guard", "append_audit", "link_previous", "ol_upsert_commits"})


class ReadNeeded(Exception):
    """A read the outcome of the unit before cannot answer: plan at its turn."""


class _Unknown:
    """A key the unit before changed in a way its outcome does not tell."""


UNKNOWN = _Unknown()


def copied(row: dict | None) -> dict | None:
    """A copy of a read's row that neither the planner nor an outcome can change through
    the original (they replace fields and grow lists, never change the maps in a list)."""
    if row is None:
        return None
    return {k: list(v) if isinstance(v, list) else v for k, v in row.items()}


class Recorder:
    """A planner's reader that keeps a copy of what the keyed reads answered."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self.rows: dict[str, dict[str, dict | None]] = {name: {} for name in KEYED}
        self.many = self._many if getattr(reader, "many", None) is not None else None

    def __call__(self, name: str, **params: Any) -> list[dict]:
        rows = self._reader(name, **params)
        self._keep(name, params, rows)
        return rows

    def _many(self, calls: list[tuple[str, dict]]) -> list[list[dict]]:
        answers = self._reader.many(calls)
        for (name, params), rows in zip(calls, answers):
            self._keep(name, params, rows)
        return answers

    def _keep(self, name: str, params: dict, rows: list[dict]) -> None:
        if name not in KEYED:
            return
        param, key = KEYED[name]
        kept = self.rows[name]
        for k in params[param]:
            kept.setdefault(k, None)
        for r in rows:   # copied now: the planner changes the rows it is given
            kept[r[key]] = copied(r)


class Outcome:
    """What a planned unit leaves, for the keys its statements touch: the rows the keyed
    reads will answer (None: absent), the versions it creates per artifact, its head."""

    def __init__(self, read: dict[str, dict[str, dict | None]]) -> None:
        self._read = read
        self.artifacts: dict[str, Any] = {}
        self.runs: dict[str, Any] = {}
        self.versions: dict[str, Any] = {}
        self.created: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self.head: dict | None = None

    @classmethod
    def of(cls, read: dict[str, dict[str, dict | None]], plan: Plan) -> "Outcome | None":
        """The outcome of ``plan`` over the rows its planner ``read``, or None when it
        cannot be told exactly."""
        o = cls(read)
        try:
            for st in plan.statements:
                if st.name == "set_audit_head":
                    o.head = {"seq": st.params["seq"], "hash": st.params["hash"]}
                elif st.name not in INERT:
                    step = _STEPS.get(st.name)
                    if step is None:
                        return None
                    for r in st.params["rows"]:
                        step(o, r)
        except ReadNeeded:
            return None
        return o if o.head is not None else None

    def _touch(self, table: dict, query: str, key: str) -> Any:
        """The row ``key`` as the unit has left it so far, from what its planner read."""
        if key not in table:
            read = self._read[query]
            if key not in read:
                raise ReadNeeded(f"{query}: {key}")
            table[key] = copied(read[key])
        return table[key]

    def artifact(self, uid: str) -> Any:
        return self._touch(self.artifacts, "ol_artifacts_by_uids", uid)

    def run(self, rid: str) -> Any:
        return self._touch(self.runs, "ol_runs_by_ids", rid)

    def version(self, vuid: str) -> Any:
        return self._touch(self.versions, "ol_versions_by_uids", vuid)


# -- each statement's rows, as its Cypher applies them -----------------------------------

RUN_FIELDS = ("status", "started_at", "ended_at", "seen_at", "job_uid", "parent_run", "error_message",
              "error_language", "producer")


def _upsert_artifact(o: Outcome, r: dict) -> None:   # ol_upsert_artifacts
    cur = o.artifact(r["uid"])
    if cur is None:
        cur = o.artifacts[r["uid"]] = {"uid": r["uid"], "kind": r["kind"], "latest_version": None,
                                       "latest_seq": None, "newest_version": None, "newest_at": None,
                                       "newest_seq": None}
    cur.update(origin_namespace=r["origin_namespace"], origin_name=r["origin_name"], lineage=r["lineage"])


def _advance_pointers(o: Outcome, r: dict) -> None:   # advance_version_pointers
    a = o.artifact(r["uid"])
    if a is None or a is UNKNOWN or (a["newest_version"] is not None and a["newest_version"] in r["written"]):
        raise ReadNeeded(f"pointers of {r['uid']}")   # absent, or found again by a scan
    if a["latest_seq"] is None or r["latest_seq"] >= a["latest_seq"]:
        a["latest_version"], a["latest_seq"] = r["latest_version"], r["latest_seq"]
    if r["newest_at"] is None:
        return
    if a["newest_at"] is not None and r["newest_at"] == a["newest_at"] and a["newest_seq"] is None:
        raise ReadNeeded(f"pointers of {r['uid']}")
    if (a["newest_at"] is None or r["newest_at"] > a["newest_at"]
            or (r["newest_at"] == a["newest_at"] and r["newest_seq"] >= a["newest_seq"])):
        a["newest_version"], a["newest_at"], a["newest_seq"] = r["newest_version"], r["newest_at"], r["newest_seq"]


def _create_run(o: Outcome, r: dict) -> None:   # ol_create_runs
    o.runs[r["id"]] = {"id": r["id"], **{k: r[k] for k in RUN_FIELDS}, "writes": []}


def _upsert_run(o: Outcome, r: dict) -> None:   # ol_upsert_runs
    cur = o.run(r["id"])
    if cur is UNKNOWN:
        raise ReadNeeded(f"run {r['id']}")
    o.runs[r["id"]] = {"id": r["id"], **{k: r[k] for k in RUN_FIELDS}, "writes": list((cur or {}).get("writes") or [])}


def _link_writes(o: Outcome, r: dict) -> None:   # ol_link_writes
    cur = o.run(r["id"])
    if cur is None or cur is UNKNOWN:
        raise ReadNeeded(f"run {r['id']}")
    if r["uid"] not in cur["writes"]:
        cur["writes"].append(r["uid"])


def _link_parent(o: Outcome, r: dict) -> None:   # ol_link_parent_runs: the parent made by reference
    o.runs[r["parent"]] = UNKNOWN


def _create_version(o: Outcome, r: dict) -> None:   # ol_create_versions
    o.versions[r["uid"]] = {"uid": r["uid"], "seq": r["seq"], "created_at": r["created_at"],
                            "schema": r["schema"], "run": None, "sha": None, "upstream": []}
    o.created[r["artifact_uid"]].append((r["created_at"], r["seq"], r["uid"]))


def _stored_version(o: Outcome, vuid: str) -> dict:
    v = o.version(vuid)
    if v is None:
        raise ReadNeeded(f"version {vuid}")
    return v


def _produced_by(o: Outcome, r: dict) -> None:   # ol_link_produced_by
    v = _stored_version(o, r["uid"])
    if v["run"] not in (None, r["run"]):
        raise ReadNeeded(f"version {r['uid']}")   # a second run: two rows
    v["run"] = r["run"]


def _built_from(o: Outcome, r: dict) -> None:   # link_built_from
    v = _stored_version(o, r["uid"])
    if v["sha"] not in (None, r["sha"]):
        raise ReadNeeded(f"version {r['uid']}")
    v["sha"] = r["sha"]


def _add_lineage(o: Outcome, r: dict) -> None:   # add_lineage
    v = _stored_version(o, r["uid"])
    edge = {"uid": r["upstream"], "relation": r["relation"]}
    ups = [u for u in v["upstream"] or [] if u.get("uid")]
    if edge not in ups:
        ups.append(edge)
    v["upstream"] = ups


_STEPS: dict[str, Callable[[Outcome, dict], None]] = {
    "ol_upsert_artifacts": _upsert_artifact, "advance_version_pointers": _advance_pointers,
    "ol_create_runs": _create_run, "ol_upsert_runs": _upsert_run, "ol_link_writes": _link_writes,
    "ol_link_parent_runs": _link_parent, "ol_create_versions": _create_version,
    "ol_link_produced_by": _produced_by, "link_built_from": _built_from, "add_lineage": _add_lineage,
}
