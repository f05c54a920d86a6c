// Store a new API token: only its SHA-256 and a short prefix, never the token itself
CREATE (:ApiToken {name: $token_name, prefix: $prefix, hash: $hash, scopes: $scopes,
                   person: $person, team: $team, created_at: $created_at,
                   expires_at: $expires_at, created_by: $created_by})
