// A person's password hash, with whether the person exists and is active
MATCH (p:Person {id: $person})
OPTIONAL MATCH (c:Credential {person: $person})
RETURN p.id AS person, coalesce(p.active, true) AS active, c.hash AS hash
