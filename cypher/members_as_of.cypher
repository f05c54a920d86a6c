// Members of teams at $at
UNWIND $teams AS tid
MATCH (p:Person)-[m:MEMBER_OF]->(t:Team {id: tid})
WHERE m.since <= $at AND (m.until IS NULL OR m.until > $at)
RETURN tid AS team, p.id AS id
