// Every person with the names a source may use for them (id, e-mail, code-host handle)
MATCH (p:Person)
RETURN p.id AS id, p.email AS email, p.handle AS handle, p.active AS active
ORDER BY id
