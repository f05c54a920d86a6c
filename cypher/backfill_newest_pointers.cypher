// Point each of these artifacts at its newest version by time, then number (once, as
// backfill_latest_pointers)
UNWIND $uids AS auid
MATCH (a:Artifact {uid: auid})<-[:VERSION_OF]-(v:Version)
WHERE v.created_at IS NOT NULL
WITH a, v ORDER BY v.created_at DESC, v.seq DESC
WITH a, collect(v)[0] AS n
SET a.newest_version = n.uid, a.newest_at = n.created_at, a.newest_seq = n.seq
