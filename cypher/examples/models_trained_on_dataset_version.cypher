// title: Models trained on a given dataset version
// Model versions whose lineage says trained_on a version of $dataset ($version: one
// version name, or null for every version of it).
// params: {"dataset": "features/customer-profile", "version": null}
MATCH (d:Version)-[:VERSION_OF]->(:Artifact {uid: $dataset})
WHERE $version IS NULL OR d.version = $version
MATCH (m:Version)-[r:DERIVED_FROM]->(d)
WHERE r.relation = 'trained_on'
MATCH (m)-[:VERSION_OF]->(model:Artifact)
WHERE model.kind = 'model'
RETURN d.uid AS dataset_version, model.uid AS model, m.version AS model_version,
       m.created_at AS trained_at_ms
ORDER BY dataset_version, model, model_version
