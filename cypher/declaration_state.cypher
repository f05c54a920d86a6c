// Declared-ownership state of artifacts: current person and team owners, each with the
// source that set it (null when a person did), and every source's declaration
UNWIND $uids AS auid
MATCH (a:Artifact {uid: auid})
OPTIONAL MATCH (p:Person)-[o:OWNS]->(a)
WHERE o.until IS NULL
WITH a, collect({person: p.id, role: o.role, source: o.source}) AS owners
OPTIONAL MATCH (t:Team)-[to:OWNS]->(a)
WHERE to.until IS NULL
WITH a, owners, collect({team: t.id, source: to.source}) AS teams
OPTIONAL MATCH (d:Declaration)-[:DECLARES]->(a)
RETURN a.uid AS uid, a.kind AS kind, owners, teams,
       collect({source: d.source, owners: d.owners, at: d.at}) AS declarations
