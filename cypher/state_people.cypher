// Every person as stored, for the audit state check
MATCH (p:Person)
RETURN p.id AS key, p.name AS name, p.email AS email, p.active AS active
