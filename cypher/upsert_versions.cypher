// Create or update versions and tie them to their artifact; maps are JSON texts
UNWIND $rows AS r
MATCH (a:Artifact {uid: r.artifact_uid})
MERGE (v:Version {uid: r.uid})
SET v.version = r.version, v.artifact_uid = r.artifact_uid, v.seq = r.seq,
    v.created_at = r.created_at, v.hyperparameters = r.hyperparameters,
    v.metrics = r.metrics, v.deployment = r.deployment
MERGE (v)-[:VERSION_OF]->(a)
