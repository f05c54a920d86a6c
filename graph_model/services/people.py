"""Teams and people: what each owns (primary vs steward) and where ownership is thin.

Why a page per person and per team: before an incident, the risk is an artifact whose
only active owner is one person (the bus factor) or whose owner has left; a manager
reads it off their team's page, a person off their own. Each answer names those
artifacts with how many others depend on them directly, most depended-on first.
"""

from __future__ import annotations

from ..errors import NotFound
from ..schema import from_epoch_ms
from ..store.base import GraphStore, batched
from . import risk
from .person_view import escalation_people, load_people, person_view, split_owners


def dependents(store: GraphStore, uids: list[str]) -> dict[str, int]:
    """Artifact uid -> distinct artifacts derived directly from any of its versions."""
    out = {u: 0 for u in uids}
    for chunk in batched(sorted(set(uids))):
        for r in store.read("direct_dependents", uids=chunk):
            out[r["uid"]] = r["dependents"]
    return out


def _risk(owners: list[dict]) -> list[str]:
    """Ownership flags of one artifact from its current owners (people with role), by the
    rules of ``risk`` (docs/flags.md)."""
    return (risk.ownership_flags([o["active"] for o in owners if o["role"] == "primary"],
                                 [o["active"] for o in owners if o["role"] == "steward"])
            + risk.bus_flags(o["id"] for o in owners if o["active"]))


def person(store: GraphStore, pid: str) -> dict:
    """One person: teams, what they own now (primary, steward), bus-factor warnings
    (artifacts where they are the only active owner), and ownerships that ended.

    Raises:
        NotFound: no person has this id.
    """
    rows = store.read("person_detail", id=pid)
    if not rows:
        raise NotFound(f"unknown person {pid!r}")
    p = rows[0]
    me = person_view(p)
    edges = store.read("person_ownerships", id=pid)
    current = [e for e in edges if e["until"] is None]
    reach = dependents(store, [e["uid"] for e in current])
    owns: dict[str, list[dict]] = {"primary": [], "steward": []}
    for e in current:
        others = [person_view(o) | {"role": o["role"]} for o in e["others"] if o.get("id")]
        team = next((t for t in e["teams"] if t.get("id")), None)
        owners = others + [me | {"role": e["role"]}]
        owns.setdefault(e["role"], []).append({
            "uid": e["uid"], "kind": e["kind"], "role": e["role"], "since": from_epoch_ms(e["since"]),
            "team": team, "others": others, "dependents": reach.get(e["uid"], 0), "flags": _risk(owners)})
    for rows_ in owns.values():
        rows_.sort(key=lambda r: (-r["dependents"], r["uid"]))
    sole = [r for rows_ in owns.values() for r in rows_ if not any(o["active"] for o in r["others"])]
    sole.sort(key=lambda r: (-r["dependents"], r["uid"]))
    ended = [{"uid": e["uid"], "kind": e["kind"], "role": e["role"], "since": from_epoch_ms(e["since"]),
              "until": from_epoch_ms(e["until"]), "reason": e.get("end_reason") or e.get("reason")}
             for e in edges if e["until"] is not None]
    ended.sort(key=lambda r: (r["until"] or "", r["uid"]), reverse=True)
    return {"person": me, "teams": sorted(({"id": t["id"], "name": t["name"], "since": from_epoch_ms(t.get("since"))}
                     for t in p["teams"] if t.get("id")), key=lambda t: t["id"]),
            "owns": owns, "sole_owner_of": sole, "ended": ended,
            "counts": {"primary": len(owns["primary"]), "steward": len(owns["steward"]), "sole": len(sole)}}


def team(store: GraphStore, tid: str) -> dict:
    """One team: escalation list, members with what each owns, the artifacts the team is
    accountable for with their risk, bus-factor warnings and artifacts of departed people.

    Raises:
        NotFound: no team has this id.
    """
    rows = store.read("team_detail", id=tid)
    if not rows:
        raise NotFound(f"unknown team {tid!r}")
    t = rows[0]
    members = sorted((person_view(m) | {"since": from_epoch_ms(m.get("since"))} for m in t["members"] if m.get("id")),
                     key=lambda m: m["id"])
    escalation_ids = list(t["escalation"] or [])
    escalation = escalation_people(load_people(store, escalation_ids), escalation_ids)

    member_owns: dict[str, dict[str, int]] = {m["id"]: {"primary": 0, "steward": 0} for m in members}
    for chunk in batched([m["id"] for m in members]):
        for r in store.read("current_ownerships_of", ids=chunk):
            member_owns[r["person"]][r["role"]] = member_owns[r["person"]].get(r["role"], 0) + 1
    for m in members:
        m["owns"] = member_owns[m["id"]]

    arts = store.read("team_artifacts", id=tid)
    reach = dependents(store, [a["uid"] for a in arts])
    artifacts = []
    for a in arts:
        owners = [person_view(o) | {"role": o["role"]} for o in a["owners"] if o.get("id")]
        primary, stewards = split_owners(owners, view=dict)
        artifacts.append({
            "uid": a["uid"], "kind": a["kind"], "owner": primary, "stewards": stewards,
            "dependents": reach.get(a["uid"], 0), "flags": _risk(owners),
            "departed": sorted(o["id"] for o in owners if not o["active"])})
    artifacts.sort(key=lambda a: (-a["dependents"], a["uid"]))
    bus = [a for a in artifacts if "single_owner" in a["flags"] or "orphaned" in a["flags"]]
    departed = [a for a in artifacts if a["departed"]]
    return {"team": {"id": t["id"], "name": t["name"]}, "escalation": escalation, "members": members,
            "artifacts": artifacts, "bus_factor": bus, "departed": departed,
            "counts": {"artifacts": len(artifacts), "members": len(members), "bus_factor": len(bus),
                       "departed": len(departed),
                       "no_primary_owner": sum("no_primary_owner" in a["flags"] for a in artifacts)}}
