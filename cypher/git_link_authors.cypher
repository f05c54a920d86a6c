// A commit's author resolved to a person by e-mail; rows: {sha, person}
UNWIND $rows AS r
MATCH (c:Commit {sha: r.sha}), (p:Person {id: r.person})
SET c.author = r.person
MERGE (c)-[:AUTHORED_BY]->(p)
