// Every team as stored, for the audit state check
MATCH (t:Team)
RETURN t.id AS key, t.name AS name, t.escalation AS escalation
