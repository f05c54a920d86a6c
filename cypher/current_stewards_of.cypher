// An artifact's kind and its current stewards (person ids), for a steward handoff
MATCH (a:Artifact {uid: $uid})
OPTIONAL MATCH (p:Person)-[o:OWNS]->(a)
WHERE o.until IS NULL AND o.role = 'steward'
RETURN a.kind AS kind, collect(p.id) AS stewards
