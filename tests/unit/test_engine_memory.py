"""The embedded engine's memory ceiling: a setting, else half the memory of the machine
or of its container, at least 2 GiB."""

from __future__ import annotations

import pytest


def test_the_engine_ceiling_follows_the_setting_else_half_the_memory_or_the_container(tmp_path, monkeypatch):
    from graph_model.errors import StoreUnavailable
    from graph_model.store import embedded
    assert embedded.memory_ceiling({"OWNERGRAPH_ENGINE_MEMORY": "3g"}) == 3 << 30
    assert embedded.memory_ceiling({"OWNERGRAPH_ENGINE_MEMORY": "1536m"}) == 1536 << 20
    for bad in ("lots", "100m"):
        with pytest.raises(StoreUnavailable, match="OWNERGRAPH_ENGINE_MEMORY"):
            embedded.memory_ceiling({"OWNERGRAPH_ENGINE_MEMORY": bad})
    v2, v1 = tmp_path / "memory.max", tmp_path / "limit_in_bytes"
    v2.write_text("max\n")
    assert embedded.container_memory((str(v2),)) is None
    v2.write_text(str(8 << 30))
    assert embedded.container_memory((str(v2),)) == 8 << 30
    v1.write_text("9223372036854771712\n")   # cgroup v1's "no limit"
    assert embedded.container_memory((str(tmp_path / "absent"), str(v1))) is None
    monkeypatch.setattr(embedded, "container_memory", lambda: 6 << 30)
    assert embedded.memory_ceiling({}) == 3 << 30
    monkeypatch.setattr(embedded, "container_memory", lambda: 1 << 30)
    assert embedded.memory_ceiling({}) == embedded.MIN_MEMORY


