"""The flags the graph overview counts (``path_flags``) are the incident answer's, on both
backends: same catalogue as ``test_flags_agree``, same path versions, same flags."""

from __future__ import annotations

from graph_model.ingest import manifest, parse
from graph_model.services import impact, incident, path_flags

from .test_flags_agree import NOW_MS, catalogue


def test_path_flags_equal_the_incident_answers(store):
    manifest.ingest(store, parse.validate(catalogue()), actor="tester", at=NOW_MS - 3_600_000)
    inc = incident.incident(store, "deploy/d", as_of=NOW_MS)
    want = {u["uid"]: sorted(u["flags"]) for u in inc["upstream"]}
    got = path_flags.flags_by_artifact(store, {u["uid"]: u["versions"] for u in inc["upstream"]}, NOW_MS)
    assert {uid: sorted(f) for uid, f in got.items()} == want
    assert "owner_inactive" in got["models/m"] and "no_primary_owner" in got["data/nobody"]
    assert "recent_change" in got["data/deputy-left"] and "recent_change" not in got["data/quiet"]
    # owners handed in from the answer (as the impact page does) give the same flags
    handed = path_flags.flags_by_artifact(store, {u["uid"]: u["versions"] for u in inc["upstream"]}, NOW_MS,
                                          owners={u["uid"]: u for u in inc["upstream"]})
    assert handed == got


def test_downstream_items_get_flags_and_nothing_asked_gives_nothing(store):
    manifest.ingest(store, parse.validate(catalogue()), actor="tester", at=NOW_MS - 3_600_000)
    items = [i for g in impact.impact(store, "data/nobody")["groups"] for i in g["artifacts"]]
    got = path_flags.flags_by_artifact(store, {i["uid"]: i["versions"] for i in items}, NOW_MS)
    assert set(got) == {"models/m", "deploy/d"}
    assert "owner_inactive" in got["models/m"] and "no_primary_owner" not in got["deploy/d"]
    assert path_flags.flags_by_artifact(store, {}, NOW_MS) == {}
