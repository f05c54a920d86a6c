// Commits that changed the code of these artifacts in [$since, $at], with their author
UNWIND $uids AS auid
MATCH (c:Commit)-[:CHANGED_CODE_OF]->(a:Artifact {uid: auid})
WHERE c.time >= $since AND c.time <= $at
OPTIONAL MATCH (c)-[:AUTHORED_BY]->(p:Person)
RETURN a.uid AS uid, c.sha AS sha, c.time AS time, c.author_name AS author_name,
       collect(p.id)[0] AS author
ORDER BY uid, time DESC, sha
