// Current state of artifacts for diffing: fields, open ownerships, accountable team
UNWIND $uids AS auid
MATCH (a:Artifact {uid: auid})
OPTIONAL MATCH (p:Person)-[o:OWNS]->(a)
WHERE o.until IS NULL
WITH a, collect({person: p.id, role: o.role}) AS owners
OPTIONAL MATCH (t:Team)-[to:OWNS]->(a)
WHERE to.until IS NULL
RETURN a.uid AS uid, a.kind AS kind, a.description AS description, a.tags AS tags,
       a.links AS links, a.source_repo AS source_repo, a.source_path AS source_path,
       owners, collect(t.id) AS teams
