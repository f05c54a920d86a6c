// One token by its name (names are unique)
MATCH (k:ApiToken {name: $token_name})
RETURN k.name AS name, k.prefix AS prefix, k.scopes AS scopes, k.person AS person,
       k.team AS team, k.expires_at AS expires_at, k.revoked_at AS revoked_at
