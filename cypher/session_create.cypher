// Open a dashboard session; only the SHA-256 of its cookie value is stored
CREATE (:LoginSession {hash: $hash, person: $person, created_at: $at, expires_at: $expires_at,
                       address: $address})
