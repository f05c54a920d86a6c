// Keep a team's on-call link; rows: {id, oncall} (oncall: JSON text)
UNWIND $rows AS r
MATCH (t:Team {id: r.id})
SET t.oncall = r.oncall
