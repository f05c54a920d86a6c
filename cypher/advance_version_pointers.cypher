// Keep each artifact's pointers at its newest versions: by number (latest_*) and by
// creation time, then number (newest_*). Rows, one per artifact the unit wrote versions
// of: {uid, written: [version uids], latest_version, latest_seq, newest_version,
// newest_at, newest_seq}, the unit's own highest. A pointer moves forward to the unit's
// highest; when the unit rewrote the version pointed at by time (its time may have gone
// back) the newest is found again among all the artifact's versions. Derived data (see
// ingest/version_pointers.py): the newest version becomes one lookup instead of a scan.
UNWIND $rows AS r
MATCH (a:Artifact {uid: r.uid})
WITH a, r, (a.newest_version IS NOT NULL AND a.newest_version IN r.written) AS rescan
OPTIONAL MATCH (b:Artifact {uid: CASE WHEN rescan THEN r.uid END})<-[:VERSION_OF]-(v:Version)
WITH a, r, rescan, v ORDER BY v.created_at DESC, v.seq DESC
WITH a, r, rescan, [x IN collect(v) WHERE x.created_at IS NOT NULL][0] AS top
WITH a, r, rescan, top,
     (a.latest_seq IS NULL OR r.latest_seq >= a.latest_seq) AS by_seq,
     (NOT rescan AND r.newest_at IS NOT NULL AND (a.newest_at IS NULL OR r.newest_at > a.newest_at
      OR (r.newest_at = a.newest_at AND r.newest_seq >= a.newest_seq))) AS by_time
SET a.latest_version = CASE WHEN by_seq THEN r.latest_version ELSE a.latest_version END,
    a.latest_seq = CASE WHEN by_seq THEN r.latest_seq ELSE a.latest_seq END,
    a.newest_version = CASE WHEN rescan THEN top.uid WHEN by_time THEN r.newest_version ELSE a.newest_version END,
    a.newest_at = CASE WHEN rescan THEN top.created_at WHEN by_time THEN r.newest_at ELSE a.newest_at END,
    a.newest_seq = CASE WHEN rescan THEN top.seq WHEN by_time THEN r.newest_seq ELSE a.newest_seq END
