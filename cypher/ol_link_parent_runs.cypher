// A run's parent run (the parent facet): the parent is created bare, tied to its job,
// when not yet known; rows: {id, parent, parent_job}
UNWIND $rows AS r
MATCH (run:Run {id: r.id}), (job:Artifact {uid: r.parent_job})
MERGE (p:Run {id: r.parent})
ON CREATE SET p.job_uid = r.parent_job
MERGE (p)-[:RUN_OF]->(job)
MERGE (run)-[:CHILD_OF]->(p)
