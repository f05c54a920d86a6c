// One artifact's kind and current accountable team (what picks its default playbook)
MATCH (a:Artifact {uid: $uid})
OPTIONAL MATCH (t:Team)-[o:OWNS]->(a)
WHERE o.until IS NULL
WITH a, t ORDER BY t.id
RETURN a.uid AS uid, a.kind AS kind, head(collect(t.id)) AS team
