UNWIND $ids AS tid
MATCH (t:Team {id: tid})
OPTIONAL MATCH (p:Person)-[m:MEMBER_OF]->(t)
WHERE m.until IS NULL
RETURN t.id AS id, t.name AS name, t.escalation AS escalation, collect(p.id) AS members
