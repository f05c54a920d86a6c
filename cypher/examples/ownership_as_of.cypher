// title: Ownership as of a date
// Who owned artifacts under $prefix at instant $at (UTC epoch milliseconds, e.g.
// 1767225600000 is 2026-01-01T00:00:00Z; null means now), primary owners and stewards,
// with when each ownership began and ended.
// params: {"prefix": "models/", "at": null}
MATCH (p:Person)-[o:OWNS]->(a:Artifact)
WHERE a.uid STARTS WITH $prefix
  AND o.since <= coalesce($at, timestamp())
  AND (o.until IS NULL OR o.until > coalesce($at, timestamp()))
RETURN a.uid AS artifact, o.role AS role, p.id AS person, p.name AS name,
       o.since AS since_ms, o.until AS until_ms
ORDER BY artifact, role, person
