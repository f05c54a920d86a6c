// The session whose cookie hashes to $hash, if it is still open
MATCH (s:LoginSession {hash: $hash})
WHERE s.ended_at IS NULL AND s.expires_at > $now
RETURN s.person AS person, s.expires_at AS expires_at
