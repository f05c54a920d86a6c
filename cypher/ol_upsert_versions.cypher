// Create or update versions recorded from OpenLineage runs; rows: {uid, artifact_uid,
// version, seq, created_at, schema}; the free-form maps start empty
UNWIND $rows AS r
MATCH (a:Artifact {uid: r.artifact_uid})
MERGE (v:Version {uid: r.uid})
ON CREATE SET v.hyperparameters = '{}', v.metrics = '{}', v.deployment = '{}'
SET v.version = r.version, v.artifact_uid = r.artifact_uid, v.seq = r.seq,
    v.created_at = r.created_at, v.schema = r.schema
MERGE (v)-[:VERSION_OF]->(a)
