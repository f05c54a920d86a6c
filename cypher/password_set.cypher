// Store a person's password hash (argon2id) apart from the Person node, so no person
// query can return it
MERGE (c:Credential {person: $person})
SET c.hash = $hash, c.set_at = $at
