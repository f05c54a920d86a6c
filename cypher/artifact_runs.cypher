// A pipeline's runs, newest first, with the parent run and its job
MATCH (a:Artifact {uid: $uid})
MATCH (run:Run)-[:RUN_OF]->(a)
OPTIONAL MATCH (run)-[:CHILD_OF]->(p:Run)
RETURN run.id AS id, run.status AS status, run.started_at AS started_at, run.ended_at AS ended_at,
       run.error_message AS error_message, run.error_language AS error_language, p.id AS parent,
       p.job_uid AS parent_job, coalesce(run.started_at, run.seen_at, run.ended_at, 0) AS sort_at
ORDER BY sort_at DESC, id
LIMIT $limit
