// Audit events in order, a page at a time (for verification and export)
MATCH (e:AuditEvent)
WHERE e.seq > $after
RETURN e.seq AS seq, e.hash AS hash, e.prev_hash AS prev_hash, e.actor AS actor,
       e.action AS action, e.target AS target, e.target_kind AS target_kind,
       e.reason AS reason, e.at AS at, e.changes AS changes
ORDER BY e.seq
LIMIT $limit
