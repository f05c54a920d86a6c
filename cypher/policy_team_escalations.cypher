// Every team's ordered escalation list (person ids), as parallel lists
MATCH (t:Team)
RETURN collect(t.id) AS team, collect(coalesce(t.escalation, [])) AS escalation
