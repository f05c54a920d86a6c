// Neo4j: taken by a write unit that has something to write, after planning and before
// its first statement; holds the audit head's write lock until commit so writers queue
// (the unit moves the head anyway, so the lock writes nothing the unit would not)
MERGE (h:AuditHead {id: 'audit'})
ON CREATE SET h.seq = 0, h.hash = ''
SET h.seq = h.seq
RETURN h.seq AS seq
