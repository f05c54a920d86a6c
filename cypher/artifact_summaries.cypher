// Short rows for lists: kind, primary owner, team
UNWIND $uids AS auid
MATCH (a:Artifact {uid: auid})
OPTIONAL MATCH (p:Person)-[o:OWNS]->(a)
WHERE o.until IS NULL AND o.role = 'primary'
OPTIONAL MATCH (t:Team)-[to:OWNS]->(a)
WHERE to.until IS NULL
RETURN a.uid AS uid, a.kind AS kind, a.description AS description,
       p.id AS owner, p.name AS owner_name, p.active AS owner_active, t.id AS team, t.name AS team_name
