// A version was built from a commit; rows: {uid, sha}
UNWIND $rows AS r
MATCH (v:Version {uid: r.uid}), (c:Commit {sha: r.sha})
MERGE (v)-[:BUILT_FROM]->(c)
