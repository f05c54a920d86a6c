// Every source's declaration with the artifact's current owners and team (for hotspots)
MATCH (d:Declaration)-[:DECLARES]->(a:Artifact)
OPTIONAL MATCH (p:Person)-[o:OWNS]->(a)
WHERE o.until IS NULL
WITH d, a, collect({person: p.id, role: o.role, source: o.source}) AS owners
OPTIONAL MATCH (t:Team)-[to:OWNS]->(a)
WHERE to.until IS NULL
RETURN a.uid AS uid, a.kind AS kind, owners, collect({team: t.id, source: to.source}) AS teams,
       [{source: d.source, owners: d.owners, at: d.at}] AS declarations, d.source AS source
ORDER BY uid, source
