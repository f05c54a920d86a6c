// One team with its escalation list (person ids, in order) and its current members
MATCH (t:Team {id: $id})
OPTIONAL MATCH (p:Person)-[m:MEMBER_OF]->(t)
WHERE m.until IS NULL
RETURN t.id AS id, t.name AS name, t.escalation AS escalation,
       collect({id: p.id, name: p.name, email: p.email, active: p.active, since: m.since}) AS members
