// Artifacts whose uid, original OpenLineage name (namespace/name), current owner (id or
// name) or team (id or name) contains $q (lower-case)
MATCH (a:Artifact)
WHERE toLower(a.uid) CONTAINS $q
RETURN a.uid AS uid, 'uid' AS matched
LIMIT $limit
UNION
MATCH (a:Artifact)
WHERE toLower(coalesce(a.origin_namespace + '/' + a.origin_name, '')) CONTAINS $q
RETURN a.uid AS uid, 'origin' AS matched
LIMIT $limit
UNION
MATCH (p:Person)-[o:OWNS]->(a:Artifact)
WHERE o.until IS NULL AND (toLower(p.id) CONTAINS $q OR toLower(p.name) CONTAINS $q)
RETURN a.uid AS uid, 'owner' AS matched
LIMIT $limit
UNION
MATCH (t:Team)-[o:OWNS]->(a:Artifact)
WHERE o.until IS NULL AND (toLower(t.id) CONTAINS $q OR toLower(t.name) CONTAINS $q)
RETURN a.uid AS uid, 'team' AS matched
LIMIT $limit
