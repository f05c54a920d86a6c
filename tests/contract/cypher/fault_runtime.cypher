// Test only: writes a node per row, then fails at run time (division by zero) inside the engine
UNWIND $rows AS r
CREATE (f:Fault {k: r})
SET f.boom = 1 / (r - r)
