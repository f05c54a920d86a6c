// A new version's commit: CREATE, not MERGE, as create_previous_links.
UNWIND $rows AS r
MATCH (v:Version {uid: r.uid}), (c:Commit {sha: r.sha})
CREATE (v)-[:BUILT_FROM]->(c)
