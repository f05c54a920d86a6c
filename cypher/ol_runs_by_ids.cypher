// Runs an OpenLineage change names, with the artifacts each run said it writes
UNWIND $ids AS rid
MATCH (run:Run {id: rid})
OPTIONAL MATCH (run)-[:WRITES]->(a:Artifact)
RETURN run.id AS id, run.status AS status, run.started_at AS started_at, run.ended_at AS ended_at,
       run.seen_at AS seen_at, run.job_uid AS job_uid, run.parent_run AS parent_run,
       run.error_message AS error_message, run.error_language AS error_language,
       run.producer AS producer, collect(a.uid) AS writes
