// Record a token's last use (bookkeeping, not a change to the model: not audited)
MATCH (k:ApiToken {hash: $hash})
SET k.last_used_at = $at
