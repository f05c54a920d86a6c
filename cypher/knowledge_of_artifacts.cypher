// Knowledge links attached to some artifacts, newest first
MATCH (k:Knowledge)
WHERE k.artifact IN $uids
RETURN k.id AS id, k.artifact AS artifact, k.kind AS kind, k.title AS title, k.url AS url,
       k.added_by AS added_by, k.added_at AS added_at, k.incident AS incident
ORDER BY k.added_at DESC, k.id
