// Incident records, newest first: all, or those touching an artifact (failing or upstream),
// optionally only open or only resolved ones
MATCH (i:Incident)
WHERE ($uid IS NULL OR $uid IN i.touched) AND ($status IS NULL OR i.status = $status)
RETURN i.id AS id, i.artifact AS artifact, i.version AS version, i.title AS title, i.severity AS severity,
       i.status AS status, i.opened_by AS opened_by, i.opened_at AS opened_at, i.resolved_at AS resolved_at,
       i.postmortem AS postmortem
ORDER BY i.opened_at DESC, i.id
LIMIT $limit
