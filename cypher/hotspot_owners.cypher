// Every current person ownership (role primary or steward), as parallel lists
MATCH (p:Person)-[o:OWNS]->(a:Artifact)
WHERE o.until IS NULL
RETURN collect(a.uid) AS uid, collect(p.id) AS person, collect(coalesce(o.role, 'primary')) AS role
