// Newest versions whose producing run failed (status starting with $status_prefix)
MATCH (v:Version)-[:PRODUCED_BY]->(r:Run)
WHERE toLower(r.status) STARTS WITH $status_prefix
OPTIONAL MATCH (newer:Version)-[:PREVIOUS]->(v)
WITH v, r, count(newer) AS newer_versions
WHERE newer_versions = 0
MATCH (v)-[:VERSION_OF]->(a:Artifact)
RETURN a.uid AS uid, a.kind AS kind, v.uid AS version, v.created_at AS created_at,
       r.id AS run, r.status AS run_status, r.log_uri AS log_uri
ORDER BY created_at DESC, uid
LIMIT $limit
