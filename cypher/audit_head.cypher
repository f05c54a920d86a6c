// The newest audit event's seq and hash (0 and '' before the first)
OPTIONAL MATCH (h:AuditHead {id: 'audit'})
RETURN coalesce(h.seq, 0) AS seq, coalesce(h.hash, '') AS hash
