// Create or update teams; escalation is the ordered paging list of person ids
UNWIND $rows AS r
MERGE (t:Team {id: r.id})
SET t.name = r.name, t.escalation = r.escalation
