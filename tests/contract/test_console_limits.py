"""The console can never take the responders' capacity, on both backends: bounded
concurrency (429 with Retry-After), a time limit that counts from arrival, rows capped
while fetching (never fetched whole), a bounded reply, bounded parameters."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from graph_model.errors import Busy, ValidationFailed
from graph_model.services import console
from graph_model.services.console_gate import ConsoleGate

from ..conftest import raw_write

# a cartesian product that cannot finish within any limit used here (200^4 rows, each
# one evaluated so that no engine can answer it from a count store), so it holds its
# slot for exactly its time limit: long enough to observe, bounded by the limit
HEAVY = ("MATCH (a:Filler), (b:Filler), (c:Filler), (d:Filler) "
         "WHERE a.i + b.i + c.i + d.i > 0 RETURN count(*) AS n")


@pytest.fixture
def filled(store):
    raw_write(store, "UNWIND range(1, 200) AS i CREATE (:Filler {i: i})")
    return store


def _app(store, **config):
    from app import create_app
    return create_app({"TESTING": True, "OWNERGRAPH_STORE_OBJECT": store,
                       "OWNERGRAPH_ANONYMOUS_READ": True, **config})


def _gate(app) -> ConsoleGate | None:
    return app.extensions.get("ownergraph.console_gate")


def _wait_running(app, running: int = 1, waiting: int = 0, limit_s: float = 10.0) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        gate = _gate(app)
        if gate is not None and gate.in_use() == (running, waiting):
            return
        time.sleep(0.01)
    raise AssertionError(f"the console never reached {running} running / {waiting} waiting")


def _in_thread(fn) -> tuple[threading.Thread, dict]:
    out: dict = {}

    def body():
        try:
            out["value"] = fn()
        except Exception as e:   # handed back to the test, which asserts on it
            out["error"] = e
    t = threading.Thread(target=body)
    t.start()
    return t, out


def test_full_console_answers_429_with_retry_after(filled):
    app = _app(filled, OWNERGRAPH_CONSOLE_CONCURRENCY=1, OWNERGRAPH_CONSOLE_QUEUE=0,
               OWNERGRAPH_CONSOLE_TIMEOUT_MS=3000)
    held, out = _in_thread(lambda: app.test_client().post("/api/v1/cypher", json={"query": HEAVY}))
    try:
        _wait_running(app)
        r = app.test_client().post("/api/v1/cypher", json={"query": "RETURN 1 AS one"})
        assert r.status_code == 429 and r.is_json
        assert 1 <= int(r.headers["Retry-After"]) <= 3 and r.json["retry_after"] == int(r.headers["Retry-After"])
        assert "busy" in r.json["error"]
        page = app.test_client().post("/console", data={"query": "RETURN 1 AS one"})
        assert page.status_code == 429 and int(page.headers["Retry-After"]) >= 1
        assert 'id="console-busy"' in page.get_data(as_text=True)
    finally:
        held.join(30)
    # the heavy query itself ran into its limit and freed its slot
    assert out["value"].status_code == 400 and _gate(app).in_use() == (0, 0)
    assert app.test_client().post("/api/v1/cypher", json={"query": "RETURN 1 AS one"}).json["rows"] == [[1]]


def test_time_limit_counts_the_time_spent_waiting_for_a_slot(filled):
    gate = ConsoleGate(concurrency=1, queue=2)
    held, out = _in_thread(lambda: console.run(filled, HEAVY, timeout_ms=1500, gate=gate))
    try:
        deadline = time.monotonic() + 10
        while gate.in_use() != (1, 0) and time.monotonic() < deadline:
            time.sleep(0.01)
        # waits for the heavy query's slot: its engine gets only what is left of 5 s
        waited = console.run(filled, "RETURN 1 AS one", timeout_ms=5000, gate=gate)
    finally:
        held.join(30)
    assert waited["rows"] == [[1]]
    assert waited["queued_ms"] >= 500
    assert waited["engine_timeout_ms"] <= 5000 - waited["queued_ms"] + 1
    assert isinstance(out.get("error"), ValidationFailed)   # the heavy one hit its limit

    # a limit shorter than the wait: refused as busy once the limit is spent, never run late
    held, _ = _in_thread(lambda: console.run(filled, HEAVY, timeout_ms=2000, gate=gate))
    try:
        deadline = time.monotonic() + 10
        while gate.in_use() != (1, 0) and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(Busy):
            console.run(filled, "RETURN 1 AS one", timeout_ms=300, gate=gate)
    finally:
        held.join(30)



# rows that come out now and then from 1.6 billion combinations: the limit strikes while
# records are streamed. (Not a huge range(): on the embedded engine, UNWIND range(1,
# 2000000000) took the server down, an open finding of issue 7.)
STREAMING = ("MATCH (a:Filler), (b:Filler), (c:Filler), (d:Filler) "
             "WHERE (a.i * b.i + c.i * d.i) % 100000 = 7 RETURN a.i AS i")


@pytest.mark.parametrize("query", [HEAVY, STREAMING], ids=["aggregate", "streaming"])
def test_a_query_past_its_time_limit_is_refused_never_an_error(filled, query):
    """Whatever moment the limit strikes (planning, the first batch, mid-stream), the
    analyst gets the limit as a refusal. (On Neo4j the roll-back of the failed transaction
    once raised over it: one 500 in the load bench, under 4 concurrent console queries;
    this test alone did not reproduce that race, so it guards the refusal, not the race.)"""
    for limit_ms in (250, 600, 1000, 1500):
        with pytest.raises(ValidationFailed) as refused:
            console.run(filled, query, timeout_ms=limit_ms, row_cap=1000)
        assert refused.value.problems[0].path == "query"


def _rss_kb() -> int:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0])


def _peak_kb() -> int:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0])


def test_a_20_million_row_answer_is_capped_without_being_fetched(store):
    Path("/proc/self/clear_refs").write_text("5")   # restart this process's peak-RSS count
    before = _rss_kb()
    res = store.query_readonly("UNWIND range(1, 20000000) AS x RETURN x", {}, 60_000, 1000)
    grown_mb = (_peak_kb() - before) / 1024
    assert res.truncated and res.rows[0] == [1] and res.rows[-1] == [1000] and len(res.rows) == 1000
    # the whole answer as Python values is several GB (measured 5.9 GB before the cap
    # moved into the fetch); 1,001 rows are well under a megabyte
    assert grown_mb < 200, f"the process grew by {grown_mb:.0f} MB"


def test_capped_answers_keep_columns_and_order(store):
    res = store.query_readonly("UNWIND range(1, 50) AS x WITH x ORDER BY x DESC "
                               "RETURN x * 2 AS double, x, 'k' AS const", {}, 10_000, 5)
    assert res.columns == ["double", "x", "const"] and res.truncated
    assert res.rows == [[100, 50, "k"], [98, 49, "k"], [96, 48, "k"], [94, 47, "k"], [92, 46, "k"]]
    res = store.query_readonly("UNWIND range(1, 3) AS x RETURN x", {}, 10_000, 3)
    assert res.rows == [[1], [2], [3]] and not res.truncated


def test_a_procedure_call_without_return_still_runs(store):
    raw_write(store, "CREATE (:Filler {i: 1})")
    # a cap above the label count: the embedded engine lists every label its schema's
    # indexes name (14 with the record labels), not only those with nodes
    res = store.query_readonly("CALL db.labels()", {}, 10_000, 50)
    assert ["Filler"] in res.rows and not res.truncated


def test_syntax_errors_point_at_the_analysts_own_text(store):
    with pytest.raises(ValidationFailed) as e:
        store.query_readonly("MATCH (n RETURN n", {}, 10_000, 10)
    assert "line 2" not in str(e.value)   # never a position inside a wrapper


def test_one_huge_value_is_refused_not_read(store):
    # FalkorDB: refused while the reply is read. Neo4j's driver decodes a whole record
    # first, so there it is refused once decoded (the record's own size is bounded by the
    # server's db.memory.transaction.max): the process still stays within the bound.
    Path("/proc/self/clear_refs").write_text("5")
    before = _rss_kb()
    with pytest.raises(ValidationFailed) as e:
        store.query_readonly("RETURN range(1, 3000000) AS big", {}, 60_000, 10)
    assert "larger than" in str(e.value)
    assert (_peak_kb() - before) / 1024 < 200


def test_many_rows_of_many_values_are_refused_past_the_value_budget(store):
    # 1,000 rows of 1,000 numbers: 1M values, over the 500k budget on both engines
    with pytest.raises(ValidationFailed) as e:
        store.query_readonly("UNWIND range(1, 1000) AS i RETURN range(1, 1000) AS xs", {}, 60_000, 1000)
    assert "larger than" in str(e.value)
    ok = store.query_readonly("UNWIND range(1, 100) AS i RETURN range(1, 1000) AS xs", {}, 60_000, 1000)
    assert len(ok.rows) == 100 and len(ok.rows[0][0]) == 1000


def _nested(depth: int):
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


def test_deeply_nested_params_get_400_with_a_path(store):
    client = _app(store).test_client()
    r = client.post("/api/v1/cypher", json={"query": "RETURN $x AS x", "params": {"x": _nested(500)}})
    assert r.status_code == 400
    path = r.json["problems"][0]["path"]
    assert path.startswith("params.x[0][0]") and "nested deeper" in r.json["problems"][0]["message"]
    # deeper than the JSON parser itself allows
    r = client.post("/api/v1/cypher", data='{"query": "RETURN 1", "params": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}",
                    content_type="application/json")
    assert r.status_code == 400 and r.json["problems"][0]["path"].startswith("params.x[0][0]")
    page = client.post("/console", data={"query": "RETURN $x AS x", "params": json.dumps({"x": _nested(500)})})
    assert page.status_code == 400 and "nested deeper" in page.get_data(as_text=True)
    page = client.post("/console", data={"query": "RETURN 1", "params": '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}"})
    assert page.status_code == 400
    # within the bounds, nesting is fine
    r = client.post("/api/v1/cypher", json={"query": "RETURN $x AS x", "params": {"x": _nested(10)}})
    assert r.status_code == 200 and r.json["rows"] == [[_nested(10)]]


def test_params_are_bounded_in_count_and_text(store):
    with pytest.raises(ValidationFailed) as e:
        console.run(store, "RETURN 1", {"xs": list(range(console.MAX_PARAMS_VALUES + 1))})
    assert e.value.problems[0].path.startswith("params.xs[")
    with pytest.raises(ValidationFailed) as e:
        console.run(store, "RETURN 1", {"s": "x" * (console.MAX_PARAMS_TEXT + 1)})
    assert e.value.problems[0].path == "params.s"


def _engine_rss_mb(store) -> int | None:
    """The embedded engines' resident memory (MB): the main one and the console's
    replica when it runs; None on Neo4j."""
    sock = getattr(store, "_address", None) and store._address().get("path")
    if not sock:
        return None
    total = 0
    for name in ("falkordb.pid", "console.pid"):
        try:
            pid = int((Path(sock).parent / name).read_text())
            total += int(Path(f"/proc/{pid}/status").read_text().split("VmRSS:")[1].split()[0]) // 1024
        except (OSError, ValueError, IndexError):
            pass
    return total


@pytest.mark.parametrize("query, params", [
    ("UNWIND range(1, 2000000000) AS x WITH x WHERE x % 20000000 = 0 RETURN x", {}),
    ("RETURN size(RANGE /* spaced */ (1, $n)) AS n", {"n": 2_000_000_000}),
], ids=["literal", "parameter"])
def test_a_huge_range_never_takes_the_engine_down(store, query, params):
    """FalkorDB builds a range() whole inside one step that neither its time limit nor
    its memory bound can stop (it went on allocating after the console had given up, to
    24 GB). A range whose bounds are known before it runs is refused there with the call
    named; Neo4j streams ranges and answers within the limit. Either way the engine
    keeps answering and does not grow."""
    before = _engine_rss_mb(store)
    try:
        res = console.run(store, query, params, timeout_ms=3000)
        refused = None
    except ValidationFailed as e:
        res, refused = None, e.problems[0].message
    if before is not None:
        assert refused is not None and "range() on line 1 would build 2,000,000,000 values" in refused
        time.sleep(1.0)   # what a runaway range would have allocated by now: ~1.3 GB
        assert _engine_rss_mb(store) - before < 200
    else:   # the literal one cannot finish 2e9 rows within 3 s; the size is streamed out
        assert refused is None or "timeout" in refused.lower(), refused
        assert refused is not None or res["rows"] == [[2_000_000_000]]
    assert store.read("audit_head")[0]["seq"] == 0
