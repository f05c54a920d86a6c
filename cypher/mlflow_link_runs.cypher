// An MLflow run: who ran it, and the experiment (a pipeline artifact) it is a run of;
// rows: {id, user, uid}
UNWIND $rows AS r
MATCH (run:Run {id: r.id}), (a:Artifact {uid: r.uid})
SET run.user = r.user
MERGE (run)-[:RUN_OF]->(a)
