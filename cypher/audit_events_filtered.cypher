// Audit events, newest first, filtered by actor text, target (an artifact also matches
// its versions) and time; every filter is optional (null)
MATCH (e:AuditEvent)
WHERE ($actor IS NULL OR e.actor CONTAINS $actor)
  AND ($target IS NULL OR e.target = $target OR e.target STARTS WITH $target_prefix)
  AND ($since IS NULL OR e.at >= $since)
  AND ($until IS NULL OR e.at < $until)
RETURN e.seq AS seq, e.actor AS actor, e.action AS action, e.target AS target,
       e.target_kind AS target_kind, e.reason AS reason, e.at AS at, e.changes AS changes
ORDER BY e.seq DESC
LIMIT $limit
