// The newest source time an importer has read from one source (key: importer and URI)
MATCH (w:ImportMark {key: $key})
RETURN w.key AS key, w.at AS at
