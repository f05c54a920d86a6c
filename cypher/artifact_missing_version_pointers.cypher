// An artifact with versions but without its pointers to the newest of them (a store
// written before advance_version_pointers existed): whether the backfill must run
MATCH (a:Artifact)
WHERE a.latest_seq IS NULL OR a.newest_at IS NULL
MATCH (a)<-[:VERSION_OF]-(:Version)
RETURN a.uid AS uid
LIMIT 1
