// Create or update commits; rows: {sha, repo, message, time, author}
UNWIND $rows AS r
MERGE (c:Commit {sha: r.sha})
SET c.repo = r.repo, c.message = r.message, c.time = r.time, c.author = r.author
