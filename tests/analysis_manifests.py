"""Hand-built catalogues with known hotspot answers, dated relative to a chosen "now".

RISKY, read from the top:
- ``raw/clicks`` (di alone, no steward) feeds ``features/clicks`` (di alone), which trains
  ``models/a`` (ana + steward bo) and ``models/b`` (owner cy, who is inactive, no steward);
  each model has one deployment (bo + steward ana). So raw/clicks has 5 dependents
  (2 models, 2 deployments), features/clicks 4, each model 1.
- ``models/c``: owner cy (inactive) but an active steward ana; nothing depends on it.
- ``metrics/orphan``: no owner, no team, no description, no versions.
- ``chain/d1`` -> ``chain/d2`` -> ... -> ``chain/d8``: datasets ed owns alone, last
  changed 90 days before now. d1 has 7 dependents, d2 6, d3 5 (the widely used ones).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

DAY = timedelta(days=1)
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def _iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def risky(now: datetime = NOW) -> dict:
    """The RISKY catalogue with every time ``now`` minus a few days (or 90 for the chain)."""
    recent, old = _iso(now - 2 * DAY), _iso(now - 90 * DAY)
    rb = {"runbook": "https://runbooks.example.com/x"}

    def art(uid, kind, owner=None, stewards=(), team=None, upstream=None, relation="input",
            when=recent, description="described", links=None, versions=True):
        a = {"uid": uid, "kind": kind, "owner": owner, "stewards": list(stewards), "team": team}
        if description:
            a["description"] = description
        if links:
            a["links"] = links
        if versions:
            v = {"version": "1", "created_at": when}
            if upstream:
                v["derived_from"] = [{"uid": f"{upstream}@1", "relation": relation}]
            a["versions"] = [v]
        return a

    chain = [art(f"chain/d{i}", "dataset", owner="ed", team="data", when=old,
                 upstream=f"chain/d{i - 1}" if i > 1 else None) for i in range(1, 9)]
    return {
        "reason": "risky catalogue",
        "people": [
            {"id": "ana", "name": "Ana Silva"}, {"id": "bo", "name": "Bo Chen"},
            {"id": "cy", "name": "Cy Okafor", "active": False}, {"id": "di", "name": "Di Rossi"},
            {"id": "ed", "name": "Ed Park"},
        ],
        "teams": [
            {"id": "ml", "name": "ML Platform", "members": ["ana", "bo"], "escalation": ["bo"]},
            {"id": "data", "name": "Data Eng", "members": ["di", "ed"], "escalation": ["di"]},
        ],
        "artifacts": [
            art("raw/clicks", "dataset", owner="di", team="data"),
            art("features/clicks", "feature_set", owner="di", team="data", upstream="raw/clicks"),
            art("models/a", "model", owner="ana", stewards=["bo"], team="ml", links=rb,
                upstream="features/clicks", relation="trained_on"),
            art("models/b", "model", owner="cy", team="ml", links=rb,
                upstream="features/clicks", relation="trained_on"),
            art("models/c", "model", owner="cy", stewards=["ana"], team="ml", links=rb,
                upstream="features/clicks", relation="trained_on"),
            art("deploy/a", "deployment", owner="bo", stewards=["ana"], team="ml", links=rb,
                upstream="models/a", relation="deployed_from"),
            art("deploy/b", "deployment", owner="bo", stewards=["ana"], team="ml", links=rb,
                upstream="models/b", relation="deployed_from"),
            art("metrics/orphan", "metric", description=None, versions=False),
            *chain,
        ],
    }
