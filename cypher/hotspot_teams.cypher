// Every current accountable team of an artifact
MATCH (t:Team)-[o:OWNS]->(a:Artifact)
WHERE o.until IS NULL
RETURN a.uid AS uid, t.id AS team
