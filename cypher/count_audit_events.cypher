// How many audit events are stored (verification compares it with the chain's length)
MATCH (e:AuditEvent)
RETURN count(e) AS n
