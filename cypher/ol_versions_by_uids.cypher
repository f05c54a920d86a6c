// Versions an OpenLineage change may create or extend, with their run, upstream and schema
UNWIND $uids AS vuid
MATCH (v:Version {uid: vuid})
OPTIONAL MATCH (v)-[:PRODUCED_BY]->(run:Run)
OPTIONAL MATCH (v)-[:BUILT_FROM]->(c:Commit)
OPTIONAL MATCH (v)-[d:DERIVED_FROM]->(u:Version)
RETURN v.uid AS uid, v.seq AS seq, v.created_at AS created_at, v.schema AS schema,
       run.id AS run, c.sha AS sha, collect({uid: u.uid, relation: d.relation}) AS upstream
