// Runs as the MLflow import left them: who ran each and the artifact it is a run of
UNWIND $ids AS rid
MATCH (run:Run {id: rid})
OPTIONAL MATCH (run)-[:RUN_OF]->(a:Artifact)
RETURN run.id AS id, run.user AS user, collect(a.uid) AS run_of
