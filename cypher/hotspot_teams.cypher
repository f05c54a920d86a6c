// Every current accountable team of an artifact, as parallel lists
MATCH (t:Team)-[o:OWNS]->(a:Artifact)
WHERE o.until IS NULL
RETURN collect(a.uid) AS uid, collect(t.id) AS team
