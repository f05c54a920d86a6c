// Every API token's public fields, by name (never the hash)
MATCH (k:ApiToken)
RETURN k.name AS name, k.prefix AS prefix, k.scopes AS scopes, k.person AS person,
       k.team AS team, k.created_at AS created_at, k.expires_at AS expires_at,
       k.revoked_at AS revoked_at, k.last_used_at AS last_used_at
ORDER BY name
