// Namespaces in which the given teams are accountable for at least one artifact now
MATCH (t:Team)-[o:OWNS]->(a:Artifact)
WHERE t.id IN $teams AND o.until IS NULL
RETURN DISTINCT a.namespace AS namespace
