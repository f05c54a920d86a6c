// What each of some versions was derived from (one hop upstream), for many versions at once
UNWIND $uids AS vuid
MATCH (v:Version {uid: vuid})-[d:DERIVED_FROM]->(u:Version)
RETURN vuid AS version, u.uid AS uid, d.relation AS relation
ORDER BY version, uid
