// One artifact with its current owners (primary, stewards) and accountable team
MATCH (a:Artifact {uid: $uid})
OPTIONAL MATCH (p:Person)-[o:OWNS]->(a)
WHERE o.until IS NULL
WITH a, collect({id: p.id, name: p.name, email: p.email, active: p.active, role: o.role, since: o.since}) AS owners
OPTIONAL MATCH (t:Team)-[to:OWNS]->(a)
WHERE to.until IS NULL
RETURN a.uid AS uid, a.kind AS kind, a.namespace AS namespace, a.name AS name,
       a.description AS description, a.tags AS tags, a.links AS links, owners,
       a.origin_namespace AS origin_namespace, a.origin_name AS origin_name, a.lineage AS lineage,
       collect({id: t.id, name: t.name, escalation: t.escalation}) AS teams
