// What the graph holds of commits, for the git import's diff: fields, author link and
// the artifacts whose code each commit is recorded as changing
UNWIND $shas AS csha
MATCH (c:Commit {sha: csha})
OPTIONAL MATCH (c)-[:AUTHORED_BY]->(p:Person)
WITH c, collect(p.id) AS authors
OPTIONAL MATCH (c)-[:CHANGED_CODE_OF]->(a:Artifact)
RETURN c.sha AS sha, c.repo AS repo, c.message AS message, c.time AS time,
       c.author_name AS author_name, c.author_email AS author_email, c.files AS files,
       authors, collect(a.uid) AS touched
