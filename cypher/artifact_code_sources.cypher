// Artifacts that say where their code lives: a manifest's source {repo, path}, or the
// lineage text holding OpenLineage's sourceCodeLocation facet (read by the importers)
MATCH (a:Artifact)
WHERE a.source_repo IS NOT NULL OR a.lineage IS NOT NULL
RETURN a.uid AS uid, a.source_repo AS source_repo, a.source_path AS source_path, a.lineage AS lineage
ORDER BY uid
