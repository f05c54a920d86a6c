// A few artifacts of one kind (the pages the server plans before its first responder
// asks are drawn for them; app.warmup)
MATCH (a:Artifact)
WHERE a.kind = $kind
RETURN a.uid AS uid
ORDER BY uid
LIMIT $limit
