// Move the audit head to the newest event
MERGE (h:AuditHead {id: 'audit'})
SET h.seq = $seq, h.hash = $hash
