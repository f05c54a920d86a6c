// Commits that changed the code of these artifacts in [$since, $at], with their author.
// Written as an OPTIONAL MATCH from the indexed artifact, the time filtered after: with a
// pattern and a WHERE on the commit, the embedded engine scanned every commit (44 ms an
// incident at 10k artifacts, seconds at 100k)
UNWIND $uids AS auid
MATCH (a:Artifact {uid: auid})
OPTIONAL MATCH (a)<-[:CHANGED_CODE_OF]-(c:Commit)
WITH a, c
WHERE c IS NOT NULL AND c.time >= $since AND c.time <= $at
OPTIONAL MATCH (c)-[:AUTHORED_BY]->(p:Person)
RETURN a.uid AS uid, c.sha AS sha, c.time AS time, c.author_name AS author_name,
       collect(p.id)[0] AS author
ORDER BY uid, time DESC, sha
