// One version's provenance for the artifact page: free-form maps (JSON texts), commit,
// run with its log link, and the version before it
MATCH (v:Version {uid: $uid})
OPTIONAL MATCH (v)-[:BUILT_FROM]->(c:Commit)
OPTIONAL MATCH (v)-[:PRODUCED_BY]->(r:Run)
OPTIONAL MATCH (v)-[:PREVIOUS]->(prev:Version)
RETURN v.uid AS uid, v.artifact_uid AS artifact, v.version AS version, v.created_at AS created_at,
       v.hyperparameters AS hyperparameters, v.metrics AS metrics, v.deployment AS deployment,
       c.sha AS sha, c.repo AS repo, c.message AS message, c.author AS author, c.time AS commit_time,
       r.id AS run, r.status AS run_status, r.started_at AS run_started_at,
       r.ended_at AS run_ended_at, r.log_uri AS log_uri, prev.uid AS previous, v.schema AS schema,
       r.error_message AS run_error
LIMIT 1
