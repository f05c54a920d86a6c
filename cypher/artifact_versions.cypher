// Versions of an artifact, newest first, with commit and run
MATCH (v:Version)-[:VERSION_OF]->(:Artifact {uid: $uid})
OPTIONAL MATCH (v)-[:BUILT_FROM]->(c:Commit)
OPTIONAL MATCH (v)-[:PRODUCED_BY]->(r:Run)
RETURN v.uid AS uid, v.version AS version, v.seq AS seq, v.created_at AS created_at,
       c.sha AS commit, c.author AS author, c.time AS commit_time, c.message AS commit_message,
       r.id AS run, r.status AS run_status
ORDER BY v.seq DESC
