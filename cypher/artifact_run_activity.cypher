// Per artifact with dated runs: when its newest run ended (or started, while running), epoch ms
MATCH (v:Version)-[:PRODUCED_BY]->(r:Run)
WITH v.artifact_uid AS uid, coalesce(r.ended_at, r.started_at) AS at
WHERE at IS NOT NULL
WITH uid, max(at) AS last
RETURN collect(uid) AS uid, collect(last) AS last_run_at
