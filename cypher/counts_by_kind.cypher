// How many artifacts of each kind the graph holds (the home page's overview)
MATCH (a:Artifact)
RETURN a.kind AS kind, count(a) AS n
ORDER BY kind
