// Every commit sha the graph holds (git import matches them, short shas by prefix)
MATCH (c:Commit)
RETURN c.sha AS sha
