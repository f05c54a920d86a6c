// Counts by node label (for status, the demo check and tests)
MATCH (n)
RETURN labels(n)[0] AS label, count(n) AS n
