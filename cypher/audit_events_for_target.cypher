// Audit events about one target (artifact uid, version uid, person or team id)
MATCH (e:AuditEvent)
WHERE e.target = $target OR e.target STARTS WITH $version_prefix
RETURN e.seq AS seq, e.hash AS hash, e.actor AS actor, e.action AS action, e.target AS target,
       e.target_kind AS target_kind, e.reason AS reason, e.at AS at, e.changes AS changes
ORDER BY e.seq
