// Recorded policy check runs (their summaries are the events' details), newest first
MATCH (e:AuditEvent)
WHERE e.action = 'check.run'
RETURN e.seq AS seq, e.at AS at, e.actor AS actor, e.changes AS changes
ORDER BY e.seq DESC
LIMIT $limit
