// Lineage edges upstream of some versions (to find cycles a new edge would close)
UNWIND $uids AS vuid
MATCH (v:Version {uid: vuid})-[:DERIVED_FROM*0..50]->(x:Version)-[:DERIVED_FROM]->(y:Version)
RETURN DISTINCT x.uid AS source, y.uid AS target
