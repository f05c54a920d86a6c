// The lowest audit event number stored more than once (only asked once verification
// found more events than the chain holds)
MATCH (e:AuditEvent)
WITH e.seq AS seq, count(*) AS copies
WHERE copies > 1
RETURN min(seq) AS seq
