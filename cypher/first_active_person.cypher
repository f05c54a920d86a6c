// The first active person by id (the demo hands its one-time admin token to them)
MATCH (p:Person)
WHERE coalesce(p.active, true) = true
RETURN p.id AS id
ORDER BY id
LIMIT 1
