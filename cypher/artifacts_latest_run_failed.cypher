// Every artifact whose latest run failed (see latest_run_status), as one list
MATCH (run:Run)-[:RUN_OF|WRITES]->(a:Artifact)
WHERE run.status IS NOT NULL
WITH a, run ORDER BY coalesce(run.started_at, run.seen_at, run.ended_at) DESC, run.id DESC
WITH a, collect(run.status)[0] AS status
WHERE status = 'failed'
RETURN collect(a.uid) AS uid
