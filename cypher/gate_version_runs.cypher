// The runs that produced one version: log and when it last moved (ended, else started)
MATCH (v:Version {uid: $uid})-[:PRODUCED_BY]->(r:Run)
RETURN coalesce(r.log_uri, '') AS log_uri, coalesce(r.ended_at, r.started_at, -1) AS at
