// The graph's node labels with how many nodes carry each (the console's schema panel)
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS count
ORDER BY label
