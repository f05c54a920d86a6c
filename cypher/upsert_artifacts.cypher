// Create or update logical artifacts; links is a JSON text, tags a list, source_* where its code lives
UNWIND $rows AS r
MERGE (a:Artifact {uid: r.uid})
SET a.kind = r.kind, a.namespace = r.namespace, a.name = r.name,
    a.description = r.description, a.tags = r.tags, a.links = r.links,
    a.source_repo = r.source_repo, a.source_path = r.source_path
