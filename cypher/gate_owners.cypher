// One artifact's current person ownerships (role, and the instant its review period runs
// from: last confirmation, else start) and current accountable teams with their escalation
MATCH (a:Artifact {uid: $uid})
OPTIONAL MATCH (p:Person)-[o:OWNS]->(a)
WHERE o.until IS NULL
WITH a, collect({id: p.id, role: coalesce(o.role, 'primary'), review_from: coalesce(o.confirmed_at, o.since)}) AS owners
OPTIONAL MATCH (t:Team)-[to:OWNS]->(a)
WHERE to.until IS NULL
RETURN a.kind AS kind, coalesce(a.namespace, '') AS namespace, coalesce(a.tags, []) AS tags,
       coalesce(a.links, '') CONTAINS '"runbook":' AS has_runbook, owners,
       collect({id: t.id, escalation: coalesce(t.escalation, [])}) AS teams
