// Create versions the planner found absent (a manifest's new versions), with their
// VERSION_OF edge; rows as upsert_versions. CREATE, not MERGE, for the reason
// ol_create_versions gives.
UNWIND $rows AS r
MATCH (a:Artifact {uid: r.artifact_uid})
CREATE (v:Version {uid: r.uid, version: r.version, artifact_uid: r.artifact_uid, seq: r.seq,
                   created_at: r.created_at, hyperparameters: r.hyperparameters,
                   metrics: r.metrics, deployment: r.deployment})-[:VERSION_OF]->(a)
