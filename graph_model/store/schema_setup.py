"""The schema both engines set up: a uniqueness constraint on every natural key, and
the few extra indexes the queries look things up by.

Written out statement by statement rather than formatted from the key table, so what
runs against a database is exactly what is read here.
"""

from __future__ import annotations

from typing import Callable

# label -> its natural key (unique)
UNIQUE_KEYS = {
    "Artifact": "uid", "Version": "uid", "Person": "id", "Team": "id",
    "Commit": "sha", "Run": "id", "AuditEvent": "seq", "AuditHead": "id",
    "Declaration": "key",
    "Playbook": "key", "Incident": "id", "IncidentEntry": "id", "Knowledge": "id",
}

# FalkorDB enforces the natural keys above except the audit event's ``seq``. Why: this
# engine checks a unique integer through its numeric range index, 35 us per created node
# (measured: 346 audit events in 15.0 ms with the constraint, 2.9 ms with the index
# alone, while a unique string key costs nothing measurable), which was half the engine
# time of a batch of 100 lineage events. The sequence is unique without it: every write
# unit begins by checking the audit head it was planned on, and the engine applies the
# unit whole and one at a time (``write_path``); an event added outside the write path
# breaks the chain, which ``audit.verify`` reports (it also counts the stored events).
#: constraints older data directories hold that ``ensure_schema`` drops (see above)
FALKORDB_DROPPED_UNIQUE = (("AuditEvent", "seq"),)
FALKORDB_UNIQUE_KEYS = {label: key for label, key in UNIQUE_KEYS.items()
                        if (label, key) not in FALKORDB_DROPPED_UNIQUE}

NEO4J = (
    "CREATE CONSTRAINT artifact_uid_unique IF NOT EXISTS FOR (n:Artifact) REQUIRE n.uid IS UNIQUE",
    "CREATE CONSTRAINT version_uid_unique IF NOT EXISTS FOR (n:Version) REQUIRE n.uid IS UNIQUE",
    "CREATE CONSTRAINT person_id_unique IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT team_id_unique IF NOT EXISTS FOR (n:Team) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT commit_sha_unique IF NOT EXISTS FOR (n:Commit) REQUIRE n.sha IS UNIQUE",
    "CREATE CONSTRAINT run_id_unique IF NOT EXISTS FOR (n:Run) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT auditevent_seq_unique IF NOT EXISTS FOR (n:AuditEvent) REQUIRE n.seq IS UNIQUE",
    "CREATE CONSTRAINT audithead_id_unique IF NOT EXISTS FOR (n:AuditHead) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT declaration_key_unique IF NOT EXISTS FOR (n:Declaration) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT playbook_key_unique IF NOT EXISTS FOR (n:Playbook) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT incident_id_unique IF NOT EXISTS FOR (n:Incident) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT incidententry_id_unique IF NOT EXISTS FOR (n:IncidentEntry) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT knowledge_id_unique IF NOT EXISTS FOR (n:Knowledge) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX incidententry_incident IF NOT EXISTS FOR (n:IncidentEntry) ON (n.incident)",
    "CREATE INDEX knowledge_artifact IF NOT EXISTS FOR (n:Knowledge) ON (n.artifact)",
    "CREATE INDEX auditevent_target IF NOT EXISTS FOR (n:AuditEvent) ON (n.target)",
    "CREATE INDEX artifact_kind IF NOT EXISTS FOR (n:Artifact) ON (n.kind)",
    "CREATE INDEX version_artifact_uid IF NOT EXISTS FOR (n:Version) ON (n.artifact_uid)",
    # an artifact's newest version before an instant, read backwards from it
    # (cypher/neo4j/ol_version_before.cypher) instead of every version sorted
    "CREATE INDEX version_artifact_created IF NOT EXISTS FOR (n:Version) ON (n.artifact_uid, n.created_at)",
    # The home page's recent changes (newest versions first) and failing deployments
    # (deployment conditions CONTAINS a status): without these Neo4j scanned every version
    # twice, 0.5 s of the page at 100k artifacts. FalkorDB has no text index, and its page
    # met the 300 ms target without them.
    "CREATE INDEX version_created_at IF NOT EXISTS FOR (n:Version) ON (n.created_at)",
    "CREATE TEXT INDEX version_deployment_text IF NOT EXISTS FOR (n:Version) ON (n.deployment)",
)

# FalkorDB: a unique constraint needs an exact-match index on the same property first.
# (label, property, statement)
FALKORDB_INDEXES = (
    ("Artifact", "uid", "CREATE INDEX FOR (n:Artifact) ON (n.uid)"),
    ("Version", "uid", "CREATE INDEX FOR (n:Version) ON (n.uid)"),
    ("Person", "id", "CREATE INDEX FOR (n:Person) ON (n.id)"),
    ("Team", "id", "CREATE INDEX FOR (n:Team) ON (n.id)"),
    ("Commit", "sha", "CREATE INDEX FOR (n:Commit) ON (n.sha)"),
    ("Run", "id", "CREATE INDEX FOR (n:Run) ON (n.id)"),
    ("AuditEvent", "seq", "CREATE INDEX FOR (n:AuditEvent) ON (n.seq)"),
    ("AuditHead", "id", "CREATE INDEX FOR (n:AuditHead) ON (n.id)"),
    ("Declaration", "key", "CREATE INDEX FOR (n:Declaration) ON (n.key)"),
    ("Playbook", "key", "CREATE INDEX FOR (n:Playbook) ON (n.key)"),
    ("Incident", "id", "CREATE INDEX FOR (n:Incident) ON (n.id)"),
    ("IncidentEntry", "id", "CREATE INDEX FOR (n:IncidentEntry) ON (n.id)"),
    ("Knowledge", "id", "CREATE INDEX FOR (n:Knowledge) ON (n.id)"),
    ("IncidentEntry", "incident", "CREATE INDEX FOR (n:IncidentEntry) ON (n.incident)"),
    ("Knowledge", "artifact", "CREATE INDEX FOR (n:Knowledge) ON (n.artifact)"),
    ("AuditEvent", "target", "CREATE INDEX FOR (n:AuditEvent) ON (n.target)"),
    ("Artifact", "kind", "CREATE INDEX FOR (n:Artifact) ON (n.kind)"),
    ("Version", "artifact_uid", "CREATE INDEX FOR (n:Version) ON (n.artifact_uid)"),
)

#: artifacts point at their newest versions (``ingest.version_pointers``); a store written
#: before that gets them once, when opened: the check, then the backfill queries in order
VERSION_POINTER_CHECK = "artifact_missing_version_pointers"
VERSION_POINTER_BACKFILL = ("backfill_latest_pointers", "backfill_newest_pointers")
#: artifacts a backfill write handles (one write over a whole store ran out of Neo4j's
#: transaction memory, 512 MiB, at 120k artifacts)
VERSION_POINTER_PAGE = 1000


def backfill_version_pointers(read: Callable[[str, dict], list[dict]],
                              write: Callable[[str, dict], None]) -> None:
    """Fill in the pointers of every artifact that lacks them (none in a store written
    since the pointers exist), a page at a time, with the store's own
    ``read(query name, params)`` and ``write(query name, params)``."""
    uids = [r["uid"] for r in read(VERSION_POINTER_CHECK, {})]
    for start in range(0, len(uids), VERSION_POINTER_PAGE):
        page = {"uids": uids[start:start + VERSION_POINTER_PAGE]}
        for name in VERSION_POINTER_BACKFILL:
            write(name, page)
