// Record a review of an artifact (optionally of one of its versions); the review is a node
// tied to the artifact, so the artifact's uid index finds its reviews
MATCH (a:Artifact {uid: $artifact})
CREATE (r:Review {id: $id, artifact: $artifact, version: $version, kind: $kind, outcome: $outcome,
                  link: $link, notes: $notes, by: $by, at: $at})-[:REVIEW_OF]->(a)
