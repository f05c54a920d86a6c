"""Smoke check of the server started by tools/neo4j-local/start (needs `pip install neo4j`).

Reads NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD (defaults match `start`), connects with the
official Python driver and checks reads, writes, schema changes and query-type summaries.
Uses its own label and constraint name and removes them again; exits non-zero on failure.
"""
import os
import sys
import uuid

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

uri = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
user = os.environ.get("NEO4J_USER", "neo4j")
password = os.environ.get("NEO4J_PASSWORD", "ownergraph-test")
tag = uuid.uuid4().hex[:8]
label = f"NeoLocalSmoke_{tag}"
constraint = f"neo_local_smoke_{tag}"


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        sys.exit(1)


with GraphDatabase.driver(uri, auth=(user, password)) as driver:
    driver.verify_connectivity()
    info = driver.get_server_info()
    print(f"server {info.agent} at {info.address}, bolt {info.protocol_version}")
    with driver.session() as s:
        check(s.run("RETURN 1 AS x").single()["x"] == 1, "RETURN 1")
        s.run(f"CREATE CONSTRAINT {constraint} IF NOT EXISTS "
              f"FOR (n:{label}) REQUIRE n.id IS UNIQUE").consume()
        names = [r["name"] for r in s.run("SHOW CONSTRAINTS YIELD name")]
        check(constraint in names, "CREATE CONSTRAINT")
        try:
            s.execute_write(lambda tx: tx.run(f"CREATE (:{label} {{id: 1}})").consume())
            count = s.execute_read(
                lambda tx: tx.run(f"MATCH (n:{label}) RETURN count(n) AS c").single()["c"])
            check(count == 1, "execute_write + execute_read")
            qt = {q: s.run(q).consume().query_type for q in (
                f"EXPLAIN CREATE (:{label} {{id: 2}})",
                f"EXPLAIN MATCH (n:{label}) SET n.x = 1 RETURN n",
                f"EXPLAIN MATCH (n:{label}) RETURN n",
            )}
            check(list(qt.values()) == ["w", "rw", "r"], f"EXPLAIN query types {list(qt.values())}")
        finally:
            s.run(f"MATCH (n:{label}) DETACH DELETE n").consume()
            s.run(f"DROP CONSTRAINT {constraint} IF EXISTS").consume()

try:
    with GraphDatabase.driver(uri, auth=(user, password + "-wrong")) as bad:
        bad.verify_connectivity()
    check(False, "wrong password rejected")
except AuthError:
    check(True, "wrong password rejected")
print("smoke check passed")
