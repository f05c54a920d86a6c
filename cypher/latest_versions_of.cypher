// For each artifact, its newest version (highest seq): where new versions chain on.
// Read from the artifact's pointer (advance_version_pointers; a version's number never
// changes); the versions are scanned, as this query always did, only for an artifact
// without one. Why: a pipeline run every hour has 8,760 versions a year, and every
// lineage event asks this of each dataset it names.
UNWIND $uids AS auid
MATCH (a:Artifact {uid: auid})
OPTIONAL MATCH (b:Artifact {uid: CASE WHEN a.latest_seq IS NULL THEN auid END})<-[:VERSION_OF]-(v:Version)
WITH auid, a, v ORDER BY v.seq DESC
WITH auid, a, collect(v)[0] AS scanned
WITH auid, coalesce(a.latest_version, scanned.uid) AS latest, coalesce(a.latest_seq, scanned.seq) AS seq
WHERE latest IS NOT NULL
RETURN auid AS uid, latest, seq
