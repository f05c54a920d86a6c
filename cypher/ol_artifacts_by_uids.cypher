// Artifacts an OpenLineage change names: kind, the lineage facts it keeps (JSON text),
// and its version pointers (advance_version_pointers), which answer most of the newest-
// version reads of the change without reading the artifact again
UNWIND $uids AS auid
MATCH (a:Artifact {uid: auid})
RETURN a.uid AS uid, a.kind AS kind, a.origin_namespace AS origin_namespace,
       a.origin_name AS origin_name, a.lineage AS lineage,
       a.latest_version AS latest_version, a.latest_seq AS latest_seq,
       a.newest_version AS newest_version, a.newest_at AS newest_at,
       a.newest_seq AS newest_seq
