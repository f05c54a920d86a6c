// title: Commits and authors behind an artifact's versions
// Each version of $uid, newest first, with the commit it was built from and the person
// who authored it: what changed, and whom to ask.
// params: {"uid": "models/recs-recommender"}
MATCH (v:Version)-[:VERSION_OF]->(:Artifact {uid: $uid})
MATCH (v)-[:BUILT_FROM]->(c:Commit)
OPTIONAL MATCH (c)-[:AUTHORED_BY]->(p:Person)
RETURN v.version AS version, v.created_at AS created_at_ms, c.sha AS sha, c.message AS message,
       p.id AS author
ORDER BY created_at_ms DESC
