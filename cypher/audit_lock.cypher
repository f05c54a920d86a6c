// First statement of a write unit on engines with transactions: takes the head's write lock
MERGE (h:AuditHead {id: 'audit'})
ON CREATE SET h.seq = 0, h.hash = ''
SET h.locked_at = timestamp()
