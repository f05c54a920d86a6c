// Newest versions whose deployment conditions report a failing status ($status_text is a
// fragment of the canonical JSON, e.g. '"status":"fail'); older revisions are history
MATCH (v:Version)
WHERE v.deployment CONTAINS $status_text
OPTIONAL MATCH (newer:Version)-[:PREVIOUS]->(v)
WITH v, count(newer) AS newer_versions
WHERE newer_versions = 0
MATCH (v)-[:VERSION_OF]->(a:Artifact)
RETURN a.uid AS uid, a.kind AS kind, v.uid AS version, v.created_at AS created_at,
       v.deployment AS deployment
ORDER BY created_at DESC, uid
LIMIT $limit
