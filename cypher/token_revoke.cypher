// Revoke a token by name; it stays listed, with the time it was revoked
MATCH (k:ApiToken {name: $token_name})
SET k.revoked_at = $at
