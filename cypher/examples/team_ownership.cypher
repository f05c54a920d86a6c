// title: A team, its members and what they own (drawn as a graph)
// Nodes and relationships come back, so the console draws them.
// params: {"team": "data-platform"}
MATCH (t:Team {id: $team})<-[m:MEMBER_OF]-(p:Person)
WHERE m.until IS NULL
OPTIONAL MATCH (p)-[o:OWNS]->(a:Artifact)
WHERE o.until IS NULL
RETURN t, m, p, o, a
LIMIT 300
