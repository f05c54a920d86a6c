// title: Artifacts with no primary owner
// Artifacts nobody is primarily accountable for today, with the team (if any) that is.
// params: {}
MATCH (a:Artifact)
OPTIONAL MATCH (p:Person)-[o:OWNS]->(a)
WHERE o.until IS NULL AND o.role = 'primary'
WITH a, count(p) AS primaries
WHERE primaries = 0
OPTIONAL MATCH (t:Team)-[to:OWNS]->(a)
WHERE to.until IS NULL
RETURN a.uid AS artifact, a.kind AS kind, t.id AS team
ORDER BY artifact
