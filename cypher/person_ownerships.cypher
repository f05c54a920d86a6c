// Every ownership edge of one person (open and closed), with each artifact's other
// current owners and accountable team, so bus-factor risk can be judged per artifact
MATCH (p:Person {id: $id})-[o:OWNS]->(a:Artifact)
OPTIONAL MATCH (q:Person)-[oo:OWNS]->(a)
WHERE oo.until IS NULL AND q.id <> $id
WITH a, o, collect({id: q.id, name: q.name, active: q.active, role: oo.role}) AS others
OPTIONAL MATCH (t:Team)-[to:OWNS]->(a)
WHERE to.until IS NULL
RETURN a.uid AS uid, a.kind AS kind, o.role AS role, o.since AS since, o.until AS until,
       o.reason AS reason, o.end_reason AS end_reason, others,
       collect({id: t.id, name: t.name}) AS teams
ORDER BY uid, since
