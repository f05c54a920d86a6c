// The newest recorded review of each (artifact, review kind), as one row of parallel lists
// (for policy checks over the whole catalogue); no element is null
MATCH (r:Review)-[:REVIEW_OF]->(a:Artifact)
WITH a.uid AS uid, r.kind AS kind, r.at AS at, r.outcome AS outcome
ORDER BY at DESC
WITH uid, kind, collect(outcome)[0] AS outcome, max(at) AS at
RETURN collect(uid) AS uid, collect(kind) AS kind, collect(outcome) AS outcome, collect(at) AS at
