// For each (artifact, instant): its newest version created strictly before the instant,
// leaving out the version the asking run itself produced; rows: {key, uid, before, exclude}
UNWIND $rows AS r
MATCH (v:Version)-[:VERSION_OF]->(:Artifact {uid: r.uid})
WHERE v.created_at < r.before AND v.uid <> r.exclude
WITH r, v ORDER BY v.created_at DESC, v.seq DESC
WITH r, collect(v)[0] AS newest
RETURN r.key AS key, newest.uid AS uid, newest.created_at AS created_at
