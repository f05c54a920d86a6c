UNWIND $shas AS csha
MATCH (c:Commit {sha: csha})
RETURN c.sha AS sha, c.repo AS repo, c.message AS message, c.time AS time, c.author AS author
