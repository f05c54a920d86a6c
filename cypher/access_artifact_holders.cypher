// Who may change each artifact: its current owners and stewards, its accountable teams
UNWIND $uids AS auid
MATCH (a:Artifact {uid: auid})
OPTIONAL MATCH (p:Person)-[o:OWNS]->(a)
WHERE o.until IS NULL
WITH a, collect(p.id) AS people
OPTIONAL MATCH (t:Team)-[to:OWNS]->(a)
WHERE to.until IS NULL
RETURN a.uid AS uid, people, collect(t.id) AS teams
