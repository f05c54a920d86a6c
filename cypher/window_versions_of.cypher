// Versions of some artifacts created in [$since, $at], with their commit: the changes a
// recent version carries from the versions before it (a refresh is checked against them)
UNWIND $uids AS auid
MATCH (v:Version {artifact_uid: auid})
WHERE v.created_at >= $since AND v.created_at <= $at
OPTIONAL MATCH (v)-[:BUILT_FROM]->(c:Commit)
RETURN auid AS artifact, v.uid AS version, v.seq AS seq, v.created_at AS created_at, c.sha AS sha,
       c.author AS author, c.time AS commit_time
ORDER BY artifact, seq
