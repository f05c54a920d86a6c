// How many artifacts the graph holds (an empty store gets the demo organisation)
MATCH (a:Artifact)
RETURN count(a) AS n
