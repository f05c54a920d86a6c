// The token whose SHA-256 is $hash (at most one), with what the request check needs
MATCH (k:ApiToken {hash: $hash})
RETURN k.name AS name, k.scopes AS scopes, k.person AS person, k.team AS team,
       k.expires_at AS expires_at, k.revoked_at AS revoked_at, k.last_used_at AS last_used_at
