// Log out: close the session so its cookie no longer works anywhere
MATCH (s:LoginSession {hash: $hash})
SET s.ended_at = $at
