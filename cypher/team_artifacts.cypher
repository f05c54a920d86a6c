// Artifacts a team is accountable for now, each with its current owners
MATCH (t:Team {id: $id})-[to:OWNS]->(a:Artifact)
WHERE to.until IS NULL
OPTIONAL MATCH (p:Person)-[o:OWNS]->(a)
WHERE o.until IS NULL
RETURN a.uid AS uid, a.kind AS kind,
       collect({id: p.id, name: p.name, active: p.active, role: o.role}) AS owners
ORDER BY uid
