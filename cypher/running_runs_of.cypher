// Runs still open when last imported, of the artifacts under a namespace prefix
MATCH (run:Run)-[:RUN_OF]->(a:Artifact)
WHERE run.status IN $open AND a.namespace = $namespace
RETURN run.id AS id
