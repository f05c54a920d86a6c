// Some artifacts' kind, tags and namespace, with the newest recorded review of each kind
// (kind null: no review recorded), for the recorded-review flags
UNWIND $uids AS auid
MATCH (a:Artifact {uid: auid})
OPTIONAL MATCH (r:Review)-[:REVIEW_OF]->(a)
WITH a, r ORDER BY r.at DESC
WITH a, r.kind AS kind, collect(r.outcome)[0] AS outcome, max(r.at) AS at
RETURN a.uid AS uid, a.kind AS artifact_kind, coalesce(a.tags, []) AS tags,
       coalesce(a.namespace, '') AS namespace, kind, outcome, at
