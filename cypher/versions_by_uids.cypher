// Current state of versions for diffing, with their commit, run and upstream
UNWIND $uids AS vuid
MATCH (v:Version {uid: vuid})
OPTIONAL MATCH (v)-[:BUILT_FROM]->(c:Commit)
OPTIONAL MATCH (v)-[:PRODUCED_BY]->(run:Run)
OPTIONAL MATCH (v)-[d:DERIVED_FROM]->(u:Version)
RETURN v.uid AS uid, v.artifact_uid AS artifact_uid, v.seq AS seq, v.created_at AS created_at,
       v.hyperparameters AS hyperparameters, v.metrics AS metrics, v.deployment AS deployment,
       c.sha AS sha, run.id AS run,
       collect({uid: u.uid, relation: d.relation}) AS upstream
