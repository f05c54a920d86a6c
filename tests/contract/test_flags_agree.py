"""The same artifact carries the same flags in the incident, hotspot, person and team
answers, on both backends (``graph_model.services.risk`` is the one vocabulary).

The catalogue is built to hit every place the answers used to disagree:
- ``data/deputy-left``: an active owner and one steward who has left. An inactive steward
  cannot be paged, so it is ``no_steward`` everywhere (the incident answer used to say
  nothing, the hotspot and person pages said ``no_steward``).
- ``data/long-run``: its only version is 60 days old, but that version's run started 45
  days ago and ended 3 days ago. Activity is the run's end, so it is not ``stale`` in
  either answer (the incident answer used to take the run's start and call it stale).
- ``data/quiet``: nothing for 90 days: ``stale`` in both.
- ``models/m``: its primary owner has left, its steward is active.
- ``data/nobody``: no owner, a steward who has left.
- ``deploy/d``: fully owned, fresh; the failing artifact everything is upstream of.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from graph_model.ingest import manifest, parse
from graph_model.schema import to_epoch_ms
from graph_model.services import artifact_flags, artifacts, hotspots, incident, people, risk

from ..analysis_manifests import NOW

DAY = timedelta(days=1)
NOW_MS = to_epoch_ms(NOW)


def _iso(days_before: float) -> str:
    return (NOW - days_before * DAY).isoformat().replace("+00:00", "Z")


def catalogue() -> dict:
    def art(uid, kind, owner, stewards, created, upstream=(), run=None):
        v = {"version": "1", "created_at": _iso(created),
             "derived_from": [{"uid": f"{u}@1", "relation": "input"} for u in upstream]}
        if run:
            v["run"] = run
        return {"uid": uid, "kind": kind, "owner": owner, "stewards": stewards, "team": "t",
                "description": "described", "links": {"runbook": "https://runbooks.example.com/x"},
                "versions": [v]}

    return {
        "people": [{"id": "ana", "name": "Ana"}, {"id": "bo", "name": "Bo"},
                   {"id": "cy", "name": "Cy", "active": False}, {"id": "di", "name": "Di", "active": False}],
        "teams": [{"id": "t", "name": "T", "members": ["ana", "bo"], "escalation": ["ana"]}],
        "artifacts": [
            art("data/deputy-left", "dataset", "ana", ["cy"], 2),
            art("data/long-run", "dataset", "ana", ["bo"], 60,
                run={"id": "run-long", "status": "succeeded", "started_at": _iso(45), "ended_at": _iso(3)}),
            art("data/quiet", "dataset", "bo", ["ana"], 90),
            art("data/nobody", "dataset", None, ["di"], 2),
            art("models/m", "model", "cy", ["bo"], 2,
                upstream=["data/deputy-left", "data/long-run", "data/quiet", "data/nobody"]),
            art("deploy/d", "deployment", "ana", ["bo"], 1, upstream=["models/m"]),
        ],
    }


def _by_answer(store) -> dict[str, dict[str, set[str]]]:
    """answer name -> artifact uid -> the flags that answer gives it."""
    inc = incident.incident(store, "deploy/d", as_of=NOW_MS)
    hot = hotspots.hotspots(store, limit=500, now_ms=NOW_MS)
    got: dict[str, dict[str, set[str]]] = {risk.INCIDENT: {}, risk.HOTSPOTS: {}, "person": {}, "team": {},
                                           risk.ARTIFACT: {}}
    for item in [inc["artifact"], *inc["upstream"]]:
        got[risk.INCIDENT][item["uid"]] = set(item["flags"])
    uids = set(got[risk.INCIDENT])
    for uid in uids:                 # the card is as of now; the same rule at T
        got[risk.ARTIFACT][uid] = set(artifact_flags.card_flags(store, uid, NOW_MS))
        assert set(artifacts.show(store, uid)["flags"]) <= set(risk.FLAGS)
    for uid in uids:                 # absent from the ranking = no risk at all
        got[risk.HOTSPOTS][uid] = set()
    for row in hot["artifacts"]:
        got[risk.HOTSPOTS][row["uid"]] = set(row["components"]["risk"])
    for pid in ("ana", "bo", "cy", "di"):
        for rows in people.person(store, pid)["owns"].values():
            for row in rows:
                got["person"].setdefault(row["uid"], set(row["flags"]))
                assert set(row["flags"]) == got["person"][row["uid"]], (pid, row["uid"])
    for row in people.team(store, "t")["artifacts"]:
        got["team"][row["uid"]] = set(row["flags"])
    return got


@pytest.fixture
def flags(store):
    manifest.ingest(store, parse.validate(catalogue()), actor="tester", at=NOW_MS - 3_600_000)
    return _by_answer(store)


def _carriers(name: str) -> set[str]:
    carriers = set(risk.FLAGS[name].answers) - ({risk.ARTIFACT} if name == "recent_change" else set())
    if risk.PEOPLE in carriers:
        carriers = (carriers - {risk.PEOPLE}) | {"person", "team"}
    return carriers


def test_every_answer_agrees_on_every_flag_they_share(flags):
    uids = set(flags[risk.INCIDENT])
    assert uids == {"deploy/d", "models/m", "data/deputy-left", "data/long-run", "data/quiet", "data/nobody"}
    for name in risk.FLAGS:
        for uid in uids:
            seen = {answer: name in flags[answer].get(uid, set()) for answer in _carriers(name)
                    if uid in flags[answer]}
            assert len(set(seen.values())) <= 1, f"{uid}: {name} differs between answers: {seen}"


def test_the_cases_that_used_to_disagree(flags):
    for answer in (risk.ARTIFACT, risk.INCIDENT, risk.HOTSPOTS, "person", "team"):
        assert "no_steward" in flags[answer]["data/deputy-left"], answer
        assert "no_steward" in flags[answer]["data/nobody"], answer
        assert "owner_inactive" in flags[answer]["models/m"], answer
        assert "no_steward" not in flags[answer]["models/m"], answer
        assert not {"no_steward", "no_primary_owner", "owner_inactive"} & flags[answer]["deploy/d"], answer
    for answer in (risk.ARTIFACT, risk.INCIDENT, risk.HOTSPOTS):
        assert "stale" not in flags[answer]["data/long-run"], answer
        assert "stale" in flags[answer]["data/quiet"], answer
        assert "stale" not in flags[answer]["data/deputy-left"], answer
    assert "no_primary_owner" in flags["team"]["data/nobody"] and "orphaned" in flags["team"]["data/nobody"]
    assert "single_owner" in flags["team"]["data/deputy-left"]
    assert flags[risk.INCIDENT]["data/deputy-left"] == {"no_steward", "recent_change"}
