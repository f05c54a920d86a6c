// title: Lineage paths into a deployment (drawn as a graph)
// The paths from a deployment's newest version to everything it came from, up to 3
// hops: returns paths, so the console draws them.
// params: {"deployment": "deploy/recs-recommender-prod"}
MATCH (v:Version)-[:VERSION_OF]->(:Artifact {uid: $deployment})
WITH v ORDER BY v.seq DESC LIMIT 1
MATCH path = (v)-[:DERIVED_FROM*1..3]->(:Version)
RETURN path
LIMIT 200
