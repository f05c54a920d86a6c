// Teams whose name (case-insensitive) is one of $names (lower-case): a declaration's alias
UNWIND $names AS n
MATCH (t:Team)
WHERE toLower(t.name) = n
RETURN n AS alias, t.id AS id
