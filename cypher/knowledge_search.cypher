// Knowledge links whose title, url or artifact uid contains $q (lower-case), newest first
MATCH (k:Knowledge)
WHERE toLower(k.title) CONTAINS $q OR toLower(k.url) CONTAINS $q OR toLower(k.artifact) CONTAINS $q
RETURN k.id AS id, k.artifact AS artifact, k.kind AS kind, k.title AS title, k.url AS url,
       k.added_by AS added_by, k.added_at AS added_at, k.incident AS incident
ORDER BY k.added_at DESC, k.id
LIMIT $limit
