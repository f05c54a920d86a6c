// Create artifacts named by OpenLineage (kind only on creation: a person's kind stays) and
// set their original names and lineage facts; rows: {uid, kind, namespace, name,
// origin_namespace, origin_name, lineage}
UNWIND $rows AS r
MERGE (a:Artifact {uid: r.uid})
ON CREATE SET a.kind = r.kind, a.namespace = r.namespace, a.name = r.name, a.tags = [], a.links = '{}'
SET a.origin_namespace = r.origin_namespace, a.origin_name = r.origin_name, a.lineage = r.lineage
