// Commits named by a job's sourceCodeLocation; an existing commit keeps what it holds
// rows: {sha, repo}
UNWIND $rows AS r
MERGE (c:Commit {sha: r.sha})
ON CREATE SET c.repo = r.repo
