// Neo4j: taken by a write unit that has something to write, after planning and before
// its first statement; holds the audit head's write lock until commit so writers queue.
// Setting and removing a marker takes the node's lock and leaves nothing behind (removing
// a property the node lacks takes no lock; setting seq to itself could write back a value
// read before the lock). The head is read again (audit_head) once the lock is held.
MERGE (h:AuditHead {id: 'audit'})
ON CREATE SET h.seq = 0, h.hash = ''
SET h.lock = true
REMOVE h.lock
