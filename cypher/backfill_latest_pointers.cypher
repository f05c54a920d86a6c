// Point every artifact that has versions but no pointer at its highest-numbered version
// (once, for a store written before advance_version_pointers; not an audited change:
// derived data, recomputable from the versions at any time)
MATCH (a:Artifact)<-[:VERSION_OF]-(v:Version)
WHERE a.latest_seq IS NULL
WITH a, v ORDER BY v.seq DESC
WITH a, collect(v)[0] AS l
SET a.latest_version = l.uid, a.latest_seq = l.seq
