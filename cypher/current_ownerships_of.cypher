// Current ownership edges of a set of people: who owns what, in which role
UNWIND $ids AS pid
MATCH (p:Person {id: pid})-[o:OWNS]->(a:Artifact)
WHERE o.until IS NULL
RETURN pid AS person, a.uid AS uid, a.kind AS kind, o.role AS role
ORDER BY person, uid
