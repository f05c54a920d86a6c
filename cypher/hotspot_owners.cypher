// Every current person ownership (role primary or steward)
MATCH (p:Person)-[o:OWNS]->(a:Artifact)
WHERE o.until IS NULL
RETURN a.uid AS uid, p.id AS person, o.role AS role
