// Create versions the planner found absent (a lineage run's new outputs and job
// versions), with their VERSION_OF edge; rows: {uid, artifact_uid, version, seq,
// created_at, schema}. CREATE, not MERGE: 2.5 times faster per version on the embedded
// engine (1,000 versions: 21 against 52 ms), and the unit is planned over the snapshot
// it commits on, so the version is new; if it were not, the unique constraint refuses
// the whole unit. Versions that may exist go through ol_upsert_versions.
UNWIND $rows AS r
MATCH (a:Artifact {uid: r.artifact_uid})
CREATE (v:Version {uid: r.uid, hyperparameters: '{}', metrics: '{}', deployment: '{}', version: r.version,
                   artifact_uid: r.artifact_uid, seq: r.seq, created_at: r.created_at, schema: r.schema})
       -[:VERSION_OF]->(a)
