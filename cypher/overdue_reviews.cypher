// Current primary ownerships whose review-by instant (last confirmation, else start,
// plus the review period) is before $at, most overdue first
MATCH (p:Person)-[o:OWNS]->(a:Artifact)
WHERE o.until IS NULL AND o.role = 'primary' AND coalesce(o.confirmed_at, o.since) + $period_ms < $at
RETURN a.uid AS uid, p.id AS person, o.since AS since, o.confirmed_at AS confirmed_at
ORDER BY coalesce(o.confirmed_at, o.since), uid
LIMIT $limit
