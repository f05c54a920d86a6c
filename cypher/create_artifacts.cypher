// Create artifacts the planner found absent (a manifest's new artifacts); rows as
// upsert_artifacts. CREATE, not MERGE, for the reason ol_create_versions gives: the
// unit is planned over the snapshot it commits on, and the unique constraint refuses
// it whole if an artifact with that uid appeared after all.
UNWIND $rows AS r
CREATE (:Artifact {uid: r.uid, kind: r.kind, namespace: r.namespace, name: r.name,
                   description: r.description, tags: r.tags, links: r.links,
                   source_repo: r.source_repo, source_path: r.source_path})
