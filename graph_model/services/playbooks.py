"""The playbook that applies to an artifact: its own, else its team's, else its kind's.

Precedence is per field, most specific first: artifact, then the accountable team, then
the kind. A team that sets only a ``channel`` and an artifact that sets only its
``failure_modes`` give a playbook with both, and ``sources`` says where each field came
from, so a responder knows whether the rollback rule was written for this artifact or is
the team's general one. An empty list or a missing value does not hide a default.
"""

from __future__ import annotations

from ..errors import NotFound
from ..schema import PLAYBOOK_FIELDS
from ..store.base import Reader
from . import stored_json

PRECEDENCE = ("artifact", "team", "kind")


def keys_for(uid: str, kind: str | None, team: str | None) -> list[str]:
    """The playbook keys that may apply, most specific first."""
    out = [f"artifact:{uid}"]
    if team:
        out.append(f"team:{team}")
    if kind:
        out.append(f"kind:{kind}")
    return out


def resolve(reader: Reader, uid: str, kind: str | None, team: str | None) -> dict | None:
    """The merged playbook of ``uid`` (kind and accountable team as given), or None when
    no playbook applies. Fields as in ``schema.Playbook`` plus ``sources``: field -> the
    key of the playbook it came from (``artifact:<uid>``, ``team:<id>``, ``kind:<kind>``)."""
    keys = keys_for(uid, kind, team)
    stored = {r["key"]: stored_json.load_map(r["body"]) for r in reader("playbooks_by_keys", keys=keys)}
    if not stored:
        return None
    out: dict = {"failure_modes": [], "rollback": None, "integrity_checks": [], "channel": None,
                 "runbook": None, "sources": {}}
    for field in PLAYBOOK_FIELDS:
        for k in keys:
            value = stored.get(k, {}).get(field)
            if value:
                out[field] = value
                out["sources"][field] = k
                break
    return out


def of_artifact(store, uid: str) -> dict | None:
    """``resolve`` for a stored artifact (its current kind and accountable team).

    Raises:
        NotFound: no artifact has this uid.
    """
    rows = store.read("artifact_kind_team", uid=uid)
    if not rows:
        raise NotFound(f"unknown artifact {uid!r}")
    row = rows[0]
    return resolve(store.read, uid, row.get("kind"), row.get("team"))
