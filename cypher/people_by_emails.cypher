// People whose e-mail (case-insensitive) is one of $emails (lower-case): the alias a
// declaration may name a person by
UNWIND $emails AS e
MATCH (p:Person)
WHERE toLower(p.email) = e
RETURN e AS alias, p.id AS id
