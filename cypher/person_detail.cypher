// One person with the teams they belong to now
MATCH (p:Person {id: $id})
OPTIONAL MATCH (p)-[m:MEMBER_OF]->(t:Team)
WHERE m.until IS NULL
RETURN p.id AS id, p.name AS name, p.email AS email, p.active AS active,
       collect({id: t.id, name: t.name, since: m.since}) AS teams
