// What the rights rule needs to know about one person: active, admin, current teams
MATCH (p:Person {id: $id})
OPTIONAL MATCH (p)-[m:MEMBER_OF]->(t:Team)
WHERE m.until IS NULL
RETURN p.id AS id, coalesce(p.active, true) AS active, coalesce(p.admin, false) AS admin,
       collect(t.id) AS teams
