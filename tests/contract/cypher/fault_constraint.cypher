// Test only: writes a node per row, then creates a person whose id exists (unique constraint)
UNWIND $rows AS r
CREATE (:Fault {k: r.k})
CREATE (:Person {id: r.existing})
