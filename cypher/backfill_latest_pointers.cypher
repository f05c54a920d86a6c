// Point each of these artifacts at its highest-numbered version (once, for a store
// written before advance_version_pointers, a page of uids at a time; not an audited
// change: derived data, recomputable from the versions at any time)
UNWIND $uids AS auid
MATCH (a:Artifact {uid: auid})<-[:VERSION_OF]-(v:Version)
WITH a, v ORDER BY v.seq DESC
WITH a, collect(v)[0] AS l
SET a.latest_version = l.uid, a.latest_seq = l.seq
