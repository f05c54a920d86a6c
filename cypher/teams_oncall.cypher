// Teams' on-call links (a JSON text of annotation -> value, from a catalog)
UNWIND $ids AS tid
MATCH (t:Team {id: tid})
RETURN t.id AS id, t.oncall AS oncall
