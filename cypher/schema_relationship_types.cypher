// The graph's relationship types with how many relationships of each (the console's schema panel)
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS count
ORDER BY type
