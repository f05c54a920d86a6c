// For each artifact: its latest run started by $at (a pipeline's runs, or the runs that
// said they write a dataset), with its status and error message
UNWIND $uids AS auid
MATCH (run:Run)-[:RUN_OF|WRITES]->(:Artifact {uid: auid})
WHERE run.status IS NOT NULL AND coalesce(run.started_at, run.seen_at, run.ended_at) <= $at
WITH auid, run ORDER BY coalesce(run.started_at, run.seen_at, run.ended_at) DESC, run.id DESC
WITH auid, collect(run)[0] AS latest
RETURN auid AS uid, latest.id AS run, latest.status AS status, latest.error_message AS error_message,
       latest.ended_at AS ended_at
