// Create runs the planner found absent, with their RUN_OF edge; rows as
// ol_upsert_runs. CREATE, not MERGE, for the reason ol_create_versions gives.
UNWIND $rows AS r
MATCH (job:Artifact {uid: r.job_uid})
CREATE (run:Run {id: r.id, job_uid: r.job_uid, status: r.status, started_at: r.started_at,
                 ended_at: r.ended_at, seen_at: r.seen_at, parent_run: r.parent_run,
                 error_message: r.error_message, error_language: r.error_language,
                 producer: r.producer})-[:RUN_OF]->(job)
