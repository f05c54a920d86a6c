// Every run as stored, for the audit state check
MATCH (r:Run)
RETURN r.id AS key, r.status AS status, r.started_at AS started_at, r.ended_at AS ended_at,
       r.log_uri AS log_uri
