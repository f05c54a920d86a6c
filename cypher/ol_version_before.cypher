// For each (artifact, instant): its newest version created strictly before the instant,
// leaving out the version the asking run itself produced; rows: {key, uid, before, exclude}.
// The artifact's pointer to its newest version by time (advance_version_pointers) answers
// when that version qualifies (the newest of all, so of those before the instant); else
// the versions are scanned by the indexed artifact_uid (matching through VERSION_OF from
// the artifact scanned every version on the embedded engine, 45 ms a row at 2k artifacts),
// the newest kept per row in a subquery (sorting every row's versions together and
// grouping by row took 43-67 ms against 35-38 ms for a unit's 2,512 rows at 100k).
// Neo4j runs its own form (cypher/neo4j/), which reads an index backwards instead.
UNWIND $rows AS r
OPTIONAL MATCH (a:Artifact {uid: r.uid})
WITH r, a.newest_version AS nv, a.newest_at AS na
WITH r, nv, na, (na IS NOT NULL AND na < r.before AND nv <> r.exclude) AS pointed
CALL {
  WITH r, pointed
  OPTIONAL MATCH (v:Version)
  WHERE v.artifact_uid = CASE WHEN pointed THEN null ELSE r.uid END AND v.created_at < r.before
    AND v.uid <> r.exclude
  RETURN v AS scanned ORDER BY v.created_at DESC, v.seq DESC LIMIT 1
}
RETURN r.key AS key, CASE WHEN pointed THEN nv ELSE scanned.uid END AS uid,
       CASE WHEN pointed THEN na ELSE scanned.created_at END AS created_at
