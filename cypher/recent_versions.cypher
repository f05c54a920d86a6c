// Versions created at or after $since, newest first, with the commit that built them
MATCH (v:Version)
WHERE v.created_at >= $since
WITH v ORDER BY v.created_at DESC, v.uid LIMIT $limit
MATCH (v)-[:VERSION_OF]->(a:Artifact)
OPTIONAL MATCH (v)-[:BUILT_FROM]->(c:Commit)
RETURN a.uid AS uid, a.kind AS kind, v.uid AS version, v.version AS version_name,
       v.created_at AS created_at, c.sha AS sha, c.author AS author, c.message AS message
ORDER BY created_at DESC, version
