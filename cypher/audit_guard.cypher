// First part of a write unit on engines without multi-statement transactions: fails the
// whole unit (division by zero) when another unit moved the audit head after this one
// read it, so the unit is planned again over the new state
OPTIONAL MATCH (h:AuditHead {id: 'audit'})
WITH coalesce(h.seq, 0) AS seq
WITH 1 / CASE WHEN seq = $seq THEN 1 ELSE 0 END AS guard
WHERE guard = 1
