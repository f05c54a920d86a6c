// Each artifact's newest version (highest seq), as parallel lists
MATCH (v:Version)
WITH v.artifact_uid AS uid, v ORDER BY v.seq DESC
WITH uid, collect(v.uid)[0] AS newest
RETURN collect(uid) AS uid, collect(newest) AS newest
