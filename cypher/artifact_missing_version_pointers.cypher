// Artifacts with versions but without their pointers to the newest of them (a store
// written before advance_version_pointers existed): what the backfill must fill in
MATCH (a:Artifact)
WHERE a.latest_seq IS NULL OR a.newest_at IS NULL
MATCH (a)<-[:VERSION_OF]-(:Version)
RETURN DISTINCT a.uid AS uid
