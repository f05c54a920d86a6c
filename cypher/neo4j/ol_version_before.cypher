// Neo4j's form of ../ol_version_before.cypher (same rows, same answers): the fallback
// reads the composite index (artifact_uid, created_at) backwards from the instant and
// stops at the first version that qualifies. Why a file of its own: the planner picks
// the single-property index on artifact_uid, which reads every version of the artifact
// and sorts them (61 % of the engine's time while the lineage queue drained batches,
// growing with each run of a dataset), and FalkorDB refuses the index hint that steers it.
UNWIND $rows AS r
OPTIONAL MATCH (a:Artifact {uid: r.uid})
WITH r, a, (a.newest_at IS NOT NULL AND a.newest_at < r.before AND a.newest_version <> r.exclude) AS pointed
CALL {
  WITH r, pointed
  OPTIONAL MATCH (v:Version) USING INDEX v:Version(artifact_uid, created_at)
  WHERE v.artifact_uid = CASE WHEN pointed THEN null ELSE r.uid END AND v.created_at < r.before
    AND v.uid <> r.exclude
  RETURN v AS scanned ORDER BY v.artifact_uid DESC, v.created_at DESC, v.seq DESC LIMIT 1
}
RETURN r.key AS key, CASE WHEN pointed THEN a.newest_version ELSE scanned.uid END AS uid,
       CASE WHEN pointed THEN a.newest_at ELSE scanned.created_at END AS created_at
