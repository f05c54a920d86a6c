// Tie commits to their author; rows: {sha, person}
UNWIND $rows AS r
MATCH (c:Commit {sha: r.sha}), (p:Person {id: r.person})
MERGE (c)-[:AUTHORED_BY]->(p)
