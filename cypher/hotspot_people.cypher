// Every person, with whether they are active (owners' activity decides ownership risk)
MATCH (p:Person)
RETURN p.id AS id, p.name AS name, p.active AS active
