"""The Graph model for analysts: every label, relationship type and property with its
meaning, and the worked queries; the source of ``docs/graph-model.md`` and of the
dashboard's Graph model page.

Why it cannot drift: the names come from what the write path writes (``graph_written``
reads every query under ``cypher/``) and the artifact kinds from ``schema.Kind``; the
meanings below are keyed by those names, and ``model()`` refuses to build when a written
name has no meaning or a meaning names something nothing writes. A test compares the
committed document with ``render()``. Regenerate with::

    python -m graph_model.graph_doc > docs/graph-model.md
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import graph_written
from .schema import Kind
from .services import console

MS = "UTC epoch milliseconds"

# label -> (what a node is, {property: meaning})
LABELS: dict[str, tuple[str, dict[str, str]]] = {
    "Artifact": ("A logical ML artifact (model, dataset, metric, ...). Ownership belongs here; lineage belongs to its versions.", {
        "uid": "Identity: `namespace/name`, e.g. `models/fraud-detector`.",
        "kind": "One of " + ", ".join(f"`{k.value}`" for k in Kind) + ".",
        "namespace": "The part of `uid` before the first `/`.",
        "name": "The part of `uid` after the first `/`.",
        "description": "Free text from the manifest.",
        "tags": "List of free-text tags.",
        "links": "JSON text: a map of link name to URL (dashboards, runbooks).",
        "source_repo": "Repository holding the artifact's code (where CODEOWNERS and git history are matched).",
        "source_path": "Path of that code inside `source_repo`.",
        "origin_namespace": "The namespace as an OpenLineage producer named it (before mapping to `uid`).",
        "origin_name": "The name as an OpenLineage producer named it.",
        "lineage": "JSON text: lineage facts recorded from OpenLineage events.",
        "latest_version": "Derived: `uid` of the version with the highest `seq` (kept by every unit that writes versions; not audited).",
        "latest_seq": "Derived: that version's `seq`.",
        "newest_version": "Derived: `uid` of the newest version by `created_at`, then `seq`.",
        "newest_at": "Derived: that version's `created_at` (" + MS + ").",
        "newest_seq": "Derived: that version's `seq`.",
    }),
    "Version": ("One version of an artifact. Lineage (DERIVED_FROM) and provenance (commit, run) hang off versions.", {
        "uid": "Identity: `<artifact uid>@<version>`.",
        "artifact_uid": "The `uid` of the artifact it is a version of (also the VERSION_OF edge).",
        "version": "The version text as given (`v3`, `2026-02-01`, `1.10`).",
        "seq": "Order among the artifact's versions: 1, 2, ... (the newest has the highest).",
        "created_at": f"When the version was made ({MS}).",
        "hyperparameters": "JSON text: training hyperparameters.",
        "metrics": "JSON text: evaluation metrics.",
        "deployment": "JSON text: deployment conditions (status, env, error rate, ...).",
        "schema": "JSON text: dataset schema fields recorded from OpenLineage.",
    }),
    "Person": ("A person who can own, steward or be paged.", {
        "id": "Identity: a lowercase slug or e-mail-like id.",
        "name": "Display name.",
        "email": "E-mail (matches CODEOWNERS e-mail owners and git authors).",
        "handle": "User name on the code host, without `@`.",
        "active": "False once the person has left: their ownership counts as a gap (`owner_inactive`).",
        "admin": "True for administrators (granted from the command line).",
    }),
    "Team": ("A team: accountable for artifacts, with members and an escalation order.", {
        "id": "Identity: a lowercase slug.",
        "name": "Display name.",
        "escalation": "Ordered list of person ids to page, first first.",
        "oncall": "JSON text: the team's on-call link.",
    }),
    "Commit": ("A code commit that versions were built from or that changed an artifact's code.", {
        "sha": "Identity: the commit hash (lowercase hex).",
        "repo": "Repository URL.",
        "message": "Commit message.",
        "time": f"Commit time ({MS}).",
        "author": "Person id of the author, when resolved.",
        "author_name": "Author name as git recorded it.",
        "author_email": "Author e-mail as git recorded it.",
        "files": "Paths the commit changed.",
    }),
    "Run": ("A pipeline or training run (manifest, MLflow or OpenLineage).", {
        "id": "Identity: the run id.",
        "status": "Run state as reported (`succeeded`, `FAILED`, `RUNNING`, ...).",
        "started_at": f"Start ({MS}).",
        "ended_at": f"End ({MS}).",
        "log_uri": "Link to the run's logs.",
        "job_uid": "The `uid` of the job (pipeline artifact) it is a run of.",
        "seen_at": f"When the last OpenLineage event about it arrived ({MS}).",
        "parent_run": "Id of the parent run (OpenLineage parent facet).",
        "error_message": "Error message of a failed run.",
        "error_language": "Language of the failed code (OpenLineage error facet).",
        "producer": "The OpenLineage producer that reported it.",
        "user": "Who started it (MLflow user).",
    }),
    "Declaration": ("Owners declared by a source (CODEOWNERS, MLflow tags, Backstage, OpenLineage), kept apart from owners a person set.", {
        "key": "Identity: source and artifact together.",
        "uid": "The declared artifact's `uid`.",
        "source": "Which source declared it.",
        "owners": "JSON text: the declared owners.",
        "at": f"When it was recorded ({MS}).",
    }),
    "Handoff": ("A request to hand an ownership role to someone, with a checklist.", {
        "id": "Identity: `ho-` and hex.",
        "artifact": "The artifact's `uid`.",
        "role": "The role handed over: `primary` or `steward`.",
        "to": "Person id receiving the role.",
        "from_person": "Person id giving it up (a steward handing over their stewardship).",
        "reason": "Why, as given.",
        "items": "The checklist items.",
        "checklist": "The checklist as answered when closed.",
        "status": "`open`, `accepted`, `declined` or `cancelled`.",
        "opened_by": "Who opened it.",
        "opened_at": f"When it was opened ({MS}).",
        "closed_by": "Who closed it.",
        "closed_at": f"When it was closed ({MS}).",
    }),
    "AuditEvent": ("One recorded change: who did what to which target, when and why, hash-chained to the event before it.", {
        "seq": "Position in the log: 1, 2, ...",
        "hash": "SHA-256 over this event and `prev_hash`.",
        "prev_hash": "The previous event's `hash`.",
        "actor": "Who made the change (`person`, `token:<name>`, `cli:<user>`, `demo`).",
        "action": "What was done, e.g. `artifact.create`, `ownership.open`.",
        "target": "What it was done to: an artifact uid, person or team id.",
        "target_kind": "`artifact`, `person`, `team`, ...",
        "reason": "Why, as given.",
        "at": f"When ({MS}).",
        "changes": "JSON text: the fields before and after.",
    }),
    "AuditHead": ("The newest audit event's position (one node), which serialises writers.", {
        "id": "Always `audit`.",
        "seq": "The newest event's `seq`.",
        "hash": "The newest event's `hash`.",
        "lock": "A marker set and removed within one write to take the node's lock; never left set.",
    }),
    "ImportMark": ("How far an importer has read one source (its watermark).", {
        "key": "Identity: importer and source.",
        "at": "The watermark (a time or position of the source).",
    }),
    "Review": ("A recorded review of an artifact (performance, bias, drift, ...), which review gates read.", {
        "id": "Identity.",
        "artifact": "The reviewed artifact's uid.",
        "version": "The reviewed version, when one was named.",
        "kind": "What was reviewed: performance, bias, fairness, drift, data_quality, security, privacy or explainability.",
        "outcome": "`pass`, `fail` or `waived`.",
        "link": "Where the review is written up.",
        "notes": "Free text.",
        "by": "Who recorded it.",
        "at": f"When it was recorded ({MS}).",
    }),
    "Playbook": ("What to do when an artifact fails, set per artifact, team or kind (artifact over team over kind, field by field).", {
        "key": "Identity: scope and target.",
        "scope": "`artifact`, `team` or `kind`.",
        "target": "The artifact uid, team id or kind it is set for.",
        "body": "JSON text: failure modes, rollback criteria, data checks, channel, runbook.",
        "updated_at": f"When it was last set ({MS}).",
    }),
    "Incident": ("An incident record: what failed, the page list and upstream set when it was opened, and how it ended.", {
        "id": "Identity (`inc-...`).",
        "artifact": "The failing artifact's uid.",
        "version": "The failing version, when named.",
        "title": "What is wrong, in a line.",
        "severity": "`sev1` (worst) to `sev4`.",
        "status": "`open` or `resolved`.",
        "opened_by": "Who opened it.",
        "opened_at": f"When ({MS}).",
        "touched": "Uids of the failing artifact and its upstream set (the artifact pages that list it).",
        "snapshot": "JSON text: the page list and upstream set at opening.",
        "entries": "How many timeline entries it has.",
        "resolved_by": "Who resolved it.",
        "resolved_at": f"When ({MS}).",
        "postmortem": "The postmortem's link.",
        "summary": "Cause and fix, as given.",
    }),
    "IncidentEntry": ("One timeline entry of an incident record.", {
        "id": "Identity.",
        "incident": "The record's id.",
        "n": "Its place in the timeline.",
        "type": "`paged`, `acknowledged`, `decision`, `rollback` or `note`.",
        "text": "What happened or was decided.",
        "author": "Who wrote it.",
        "at": f"When ({MS}).",
    }),
    "Knowledge": ("A knowledge link on an artifact: a postmortem, case study or how-to, found by search.", {
        "id": "Identity.",
        "artifact": "The artifact's uid.",
        "kind": "`postmortem`, `case_study` or `howto`.",
        "title": "Its title.",
        "url": "Its http(s) link.",
        "added_by": "Who added it.",
        "added_at": f"When ({MS}).",
        "incident": "The incident record it came from, when resolving one added it.",
    }),
    "Credential": ("Access bookkeeping: a person's password hash, kept apart from the Person node.", {
        "person": "The person id.",
        "hash": "argon2id hash of the password mixed with a server key kept outside the graph "
                "(never the password; useless without the key, docs/access.md).",
        "set_at": f"When it was set ({MS}).",
    }),
    "LoginSession": ("Access bookkeeping: a dashboard login session.", {
        "hash": "SHA-256 of the session cookie (never the cookie).",
        "person": "Who logged in.",
        "address": "Client address at login.",
        "created_at": f"Login time ({MS}).",
        "expires_at": f"Expiry ({MS}).",
        "ended_at": f"Logout time ({MS}).",
    }),
    "ApiToken": ("Access bookkeeping: an API token (only its hash and a prefix are stored).", {
        "name": "Identity: the token's name.",
        "prefix": "First characters of the token, to recognise it.",
        "hash": "SHA-256 of the token (never the token).",
        "scopes": "What it may do.",
        "person": "The person it acts for, if any.",
        "team": "The team it is limited to, if any.",
        "created_at": f"When it was made ({MS}).",
        "created_by": "Who made it.",
        "expires_at": f"Expiry ({MS}).",
        "revoked_at": f"When it was revoked ({MS}).",
        "last_used_at": f"Last use ({MS}).",
    }),
}

# type -> (meaning, {property: meaning})
TYPES: dict[str, tuple[str, dict[str, str]]] = {
    "OWNS": ("Ownership of an artifact: a person's (`role` primary or steward) or a team's (`role` team). Closed with `until`, never deleted.", {
        "role": "`primary`, `steward` or `team`.",
        "since": f"Start ({MS}).",
        "until": f"End ({MS}); null while current.",
        "reason": "Why it started, as given.",
        "end_reason": "Why it ended.",
        "source": "The declaring source when a declaration filled an empty slot; null when a person set it.",
        "confirmed_at": f"When the primary owner last confirmed it in a review ({MS}).",
    }),
    "MEMBER_OF": ("Team membership, closed with `until`, never deleted.", {
        "since": f"Start ({MS}).",
        "until": f"End ({MS}); null while current.",
    }),
    "VERSION_OF": ("A version belongs to its artifact.", {}),
    "PREVIOUS": ("A version points to the version before it.", {}),
    "DERIVED_FROM": ("Lineage, pointing upstream: the derived version came from the other.", {
        "relation": "How: `trained_on`, `evaluated_on`, `deployed_from`, `input`, ...",
    }),
    "BUILT_FROM": ("A version was built from a commit.", {}),
    "PRODUCED_BY": ("A version was produced by a run.", {}),
    "AUTHORED_BY": ("A commit's author.", {}),
    "CHANGED_CODE_OF": ("A commit changed files under an artifact's source path.", {}),
    "RUN_OF": ("A run is a run of a job (a pipeline artifact).", {}),
    "CHILD_OF": ("A run's parent run.", {}),
    "WRITES": ("A run says it writes a dataset (whether or not it completes).", {}),
    "DECLARES": ("A declaration is about an artifact.", {}),
    "REVIEW_OF": ("A recorded review is of an artifact.", {}),
}


class ModelDrift(ValueError):
    """The meanings here and what the write path writes disagree."""


@dataclass(frozen=True)
class Entry:
    name: str
    meaning: str
    properties: list[tuple[str, str]]
    ends: list[tuple[str, str]]          # relationship types: (from label, to label)
    files: list[str]                     # the queries that write it


def model(written: graph_written.Written | None = None) -> dict[str, list[Entry]]:
    """``{"labels": [...], "types": [...]}``, each name with its meaning.

    Args:
        written: what the write path writes (default: ``graph_written.scan()``).

    Raises:
        ModelDrift: a written name without a meaning, or a meaning for nothing written.
    """
    w = written if written is not None else graph_written.scan()
    problems = _drift("label", LABELS, w.labels) + _drift("relationship type", TYPES, w.types)
    if problems:
        raise ModelDrift("the Graph model disagrees with the write path: " + "; ".join(problems))

    def entries(table, ends):   # in the order written here: the domain first, bookkeeping last
        return [Entry(name, meaning, list(props.items()), sorted(ends.get(name, ())),
                      sorted(w.files.get(name, ()))) for name, (meaning, props) in table.items()]

    return {"labels": entries(LABELS, {}), "types": entries(TYPES, w.ends)}


def _drift(what: str, table: dict, written: dict[str, set[str]]) -> list[str]:
    out = [f"{what} {n} is written but not described" for n in sorted(set(written) - set(table))]
    out += [f"{what} {n} is described but nothing writes it" for n in sorted(set(table) - set(written))]
    for name in sorted(set(table) & set(written)):
        described = set(table[name][1])
        out += [f"{name}.{k} is written but not described" for k in sorted(written[name] - described)]
        out += [f"{name}.{k} is described but nothing writes it" for k in sorted(described - written[name])]
    return out


def render() -> str:
    """The Markdown of ``docs/graph-model.md``."""
    m = model()
    out = ["# The graph model", "",
           "<!-- generated by `python -m graph_model.graph_doc > docs/graph-model.md`; do not edit by hand -->", "",
           "What the graph holds, for analysts writing Cypher in the console (`/console`). Every",
           "label, relationship type and property below is one the product writes (read from the",
           "queries of its one write path), so this page lists all of them; a test fails when the",
           "code and this page differ. Instants are UTC epoch milliseconds; free-form maps are",
           "JSON text (parse them in your client). Identity is a readable key (`uid`, `id`, `sha`,",
           "`seq`), never an engine id. The same page is in the dashboard under Graph model.", "",
           "## Labels", ""]
    for e in m["labels"]:
        out += [f"### `{e.name}`", "", e.meaning, "", "| property | meaning |", "| --- | --- |"]
        out += [f"| `{k}` | {v} |" for k, v in e.properties]
        out += [""]
    out += ["## Relationship types", ""]
    for e in m["types"]:
        ends = ", ".join(f"`(:{a})-[:{e.name}]->(:{b})`" for a, b in e.ends)
        out += [f"### `{e.name}`", "", f"{e.meaning} {ends}", ""]
        if e.properties:
            out += ["| property | meaning |", "| --- | --- |"]
            out += [f"| `{k}` | {v} |" for k, v in e.properties]
            out += [""]
    out += ["## Worked queries", "",
            "Each runs on the demo organisation (`ownergraph demo`) with the parameters shown, and",
            "is one of the console's saved examples (`cypher/examples/`); a test runs all of them",
            "on both engines and checks that each returns rows.", ""]
    for i, e in enumerate(console.examples(), 1):
        out += [f"### {i}. {e.title}", "", e.description, ""]
        if e.params:
            out += [f"Parameters: `{json.dumps(e.params)}`", ""]
        out += ["```cypher", e.query, "```", ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
