// Lineage lifted to artifacts: which artifact depends on which (any version of it), as parallel lists
MATCH (v:Version)-[:DERIVED_FROM]->(u:Version)
WITH DISTINCT v.artifact_uid AS downstream, u.artifact_uid AS upstream
WHERE downstream <> upstream
RETURN collect(downstream) AS downstream, collect(upstream) AS upstream
