// Create commits the planner found absent; rows as upsert_commits (each sha once a
// unit). CREATE, not MERGE, for the reason ol_create_versions gives.
UNWIND $rows AS r
CREATE (:Commit {sha: r.sha, repo: r.repo, message: r.message, time: r.time, author: r.author})
