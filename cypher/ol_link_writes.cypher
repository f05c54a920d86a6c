// The datasets a run says it writes (whether or not it completes); rows: {id, uid}
UNWIND $rows AS r
MATCH (run:Run {id: r.id}), (a:Artifact {uid: r.uid})
MERGE (run)-[:WRITES]->(a)
