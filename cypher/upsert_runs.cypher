// Create or update runs and tie each to the version it produced; rows: {id, uid, status, started_at, ended_at, log_uri}
UNWIND $rows AS r
MATCH (v:Version {uid: r.uid})
MERGE (run:Run {id: r.id})
SET run.status = r.status, run.started_at = r.started_at, run.ended_at = r.ended_at, run.log_uri = r.log_uri
MERGE (v)-[:PRODUCED_BY]->(run)
