// One audit event by its sequence number (checkpoint verification)
MATCH (e:AuditEvent {seq: $seq})
RETURN e.seq AS seq, e.hash AS hash
