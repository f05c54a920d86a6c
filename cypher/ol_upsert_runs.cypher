// Create or update OpenLineage runs and tie each to its job; rows: {id, job_uid, status,
// started_at, ended_at, seen_at, parent_run, error_message, error_language, producer}
UNWIND $rows AS r
MATCH (job:Artifact {uid: r.job_uid})
MERGE (run:Run {id: r.id})
SET run.job_uid = r.job_uid, run.status = r.status, run.started_at = r.started_at,
    run.ended_at = r.ended_at, run.seen_at = r.seen_at, run.parent_run = r.parent_run,
    run.error_message = r.error_message, run.error_language = r.error_language,
    run.producer = r.producer
MERGE (run)-[:RUN_OF]->(job)
