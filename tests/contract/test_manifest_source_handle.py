"""A person's handle and an artifact's source through the manifest, on both engines:
stored, unchanged on re-ingest, updated when given, kept when left out, removed by null."""

from __future__ import annotations

from graph_model.ingest.manifest import ingest
from graph_model.ingest.parse import check

DOC = {"people": [{"id": "ana", "name": "Ana", "handle": "ana-s"}],
       "artifacts": [{"uid": "m/x", "kind": "model", "source": {"repo": "https://h/acme/ml", "path": "src/x/"}}]}


def _art(store):
    r = store.read("artifacts_by_uids", uids=["m/x"])[0]
    return r["source_repo"], r["source_path"]


def test_handle_and_source_round_trip(store):
    first = ingest(store, check(DOC))
    assert first.counts == {"person.create": 1, "artifact.create": 1}
    assert store.read("people_by_ids", ids=["ana"])[0]["handle"] == "ana-s"
    assert _art(store) == ("https://h/acme/ml", "src/x/")
    assert not ingest(store, check(DOC)).changed
    ingest(store, check({"people": [{"id": "ana", "name": "Ana"}],
                         "artifacts": [{"uid": "m/x", "kind": "model"}]}))
    assert store.read("people_by_ids", ids=["ana"])[0]["handle"] == "ana-s" and _art(store)[1] == "src/x/"
    moved = ingest(store, check({"artifacts": [{"uid": "m/x", "kind": "model",
                                                "source": {"repo": "https://h/acme/ml", "path": "src/y"}}]}))
    assert moved.counts == {"artifact.update": 1} and _art(store) == ("https://h/acme/ml", "src/y")
    ingest(store, check({"people": [{"id": "ana", "name": "Ana", "handle": None}],
                         "artifacts": [{"uid": "m/x", "kind": "model", "source": None}]}))
    assert store.read("people_by_ids", ids=["ana"])[0]["handle"] is None and _art(store) == (None, None)
