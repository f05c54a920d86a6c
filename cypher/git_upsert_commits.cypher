// Commits read from a git repository; rows: {sha, repo, message, time, author_name, author_email, files}
UNWIND $rows AS r
MERGE (c:Commit {sha: r.sha})
SET c.repo = r.repo, c.message = r.message, c.time = r.time,
    c.author_name = r.author_name, c.author_email = r.author_email, c.files = r.files
