// Per artifact with runs: when its newest run ended (or started, while running), epoch ms
MATCH (v:Version)-[:PRODUCED_BY]->(r:Run)
RETURN v.artifact_uid AS uid, max(coalesce(r.ended_at, r.started_at)) AS last_run_at
