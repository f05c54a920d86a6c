// Every run that produced a version: its log and when it last moved (ended, else started;
// -1 when neither), as parallel lists
MATCH (v:Version)-[:PRODUCED_BY]->(r:Run)
RETURN collect(v.uid) AS version, collect(coalesce(r.log_uri, '')) AS log_uri,
       collect(coalesce(r.ended_at, r.started_at, -1)) AS at
