UNWIND $ids AS rid
MATCH (run:Run {id: rid})
OPTIONAL MATCH (v:Version)-[:PRODUCED_BY]->(run)
RETURN run.id AS id, run.status AS status, run.started_at AS started_at,
       run.ended_at AS ended_at, run.log_uri AS log_uri, collect(v.uid) AS versions
