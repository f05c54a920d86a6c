// Every commit as stored, for the audit state check
MATCH (c:Commit)
RETURN c.sha AS key, c.repo AS repo, c.message AS message, c.time AS time, c.author AS author
