// Move an importer's watermark for one source; rows: {key, at}
UNWIND $rows AS r
MERGE (w:ImportMark {key: r.key})
SET w.at = r.at
