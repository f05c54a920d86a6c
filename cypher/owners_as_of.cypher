// Artifacts with the owners and accountable team they had at $at (edges carry since/until)
UNWIND $uids AS auid
MATCH (a:Artifact {uid: auid})
OPTIONAL MATCH (p:Person)-[o:OWNS]->(a)
WHERE o.since <= $at AND (o.until IS NULL OR o.until > $at)
WITH a, collect({id: p.id, name: p.name, email: p.email, active: p.active, role: o.role}) AS owners
OPTIONAL MATCH (t:Team)-[to:OWNS]->(a)
WHERE to.since <= $at AND (to.until IS NULL OR to.until > $at)
RETURN a.uid AS uid, a.kind AS kind, a.description AS description, a.links AS links, owners,
       collect({id: t.id, name: t.name, escalation: t.escalation, oncall: t.oncall}) AS teams
