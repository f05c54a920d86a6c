// Property keys per node label with how many nodes of the label hold each (the console's schema panel)
MATCH (n)
UNWIND labels(n) AS label
UNWIND keys(n) AS key
RETURN label, key, count(*) AS count
ORDER BY label, key
