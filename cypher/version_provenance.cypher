// Versions with everything compare looks at: maps (JSON texts), commit, run(s), predecessor
UNWIND $uids AS vuid
MATCH (v:Version {uid: vuid})
OPTIONAL MATCH (v)-[:BUILT_FROM]->(c:Commit)
OPTIONAL MATCH (v)-[:PRODUCED_BY]->(r:Run)
OPTIONAL MATCH (v)-[:PREVIOUS]->(p:Version)
RETURN v.uid AS uid, v.artifact_uid AS artifact, v.version AS version, v.seq AS seq,
       v.created_at AS created_at, v.hyperparameters AS hyperparameters, v.metrics AS metrics,
       v.deployment AS deployment, c.sha AS sha, c.author AS author, c.time AS commit_time,
       c.message AS message, c.repo AS repo, r.id AS run, r.status AS run_status,
       r.started_at AS run_started_at, r.ended_at AS run_ended_at, r.log_uri AS log_uri,
       p.uid AS previous, v.schema AS schema
ORDER BY uid, run
