// Tie versions to the run that produced them; rows: {uid, run}
UNWIND $rows AS r
MATCH (v:Version {uid: r.uid}), (run:Run {id: r.run})
MERGE (v)-[:PRODUCED_BY]->(run)
