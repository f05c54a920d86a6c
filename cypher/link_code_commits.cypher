// A commit changed the code of an artifact (a file under its source path); rows: {sha, uid}
UNWIND $rows AS r
MATCH (c:Commit {sha: r.sha}), (a:Artifact {uid: r.uid})
MERGE (c)-[:CHANGED_CODE_OF]->(a)
