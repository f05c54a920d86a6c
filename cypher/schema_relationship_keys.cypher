// Property keys per relationship type with how many relationships of the type hold each (the console's schema panel)
MATCH ()-[r]->()
UNWIND keys(r) AS key
RETURN type(r) AS type, key, count(*) AS count
ORDER BY type, key
