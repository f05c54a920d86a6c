// Which of these versions are stored (a manifest's upstream references: only that they
// exist matters, not their maps, commit, run or edges)
UNWIND $uids AS vuid
MATCH (v:Version {uid: vuid})
RETURN v.uid AS uid
