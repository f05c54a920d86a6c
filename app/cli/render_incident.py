"""Terminal rendering of incident and impact answers."""

from __future__ import annotations

from functools import partial

from graph_model.services.person_view import who

_who = partial(who, contact="email")


def incident(a: dict) -> str:
    art = a["artifact"]
    lines = [f"INCIDENT {art['uid']}  ({art['kind']}, version {art['version']})  at {a['at']}"]
    if art["links"].get("runbook"):
        lines.append(f"runbook: {art['links']['runbook']}")
    lines.append(f"owner: {_who(art['owner'])}; stewards: "
                 f"{', '.join(_who(s) for s in art['stewards']) or '(none)'}; "
                 f"team: {art['team']['name'] if art['team'] else '(none)'}")
    if a["truncated"]:
        lines.append(f"!! TRUNCATED: {a['truncated_reason']}")
    lines.append("")
    lines.append("PAGE, in order:")
    for entry in a["page"]:
        lines.append(f"{entry['order']:>3}. {_who(entry['person'])}")
        for reason in entry["reasons"]:
            lines.append(f"       - {reason}")
    for note in a["notes"]:
        lines.append(f"  note: {note}")
    lines.append("")
    lines.append(f"UPSTREAM ({len(a['upstream'])} artifacts, depth {a['depth']}):")
    lines.append(f"  {'dist':>4}  {'artifact':<40} {'owner':<24} flags")
    for u in a["upstream"]:
        owner = u["owner"]["id"] if u["owner"] else "-"
        lines.append(f"  {u['distance']:>4}  {u['uid']:<40} {owner:<24} {', '.join(u['flags'])}")
        rc = u.get("recent_change")
        if rc:
            done = "data refreshed" if rc["kind"] == "data_refresh" else "changed"
            lines.append(f"        {done} {rc['ago']}: {rc['what']}")
    return "\n".join(lines)


def impact(a: dict) -> str:
    lines = [f"IMPACT of {a['artifact']}  ({a['counts']['total']} artifacts downstream, depth {a['depth']})"]
    if a["truncated"]:
        lines.append(f"!! TRUNCATED: {a['truncated_reason']}")
    for g in a["groups"]:
        lines.append(f"{g['kind']} ({len(g['artifacts'])}):")
        for item in g["artifacts"]:
            owner = item["owner"]["id"] if item["owner"] else "-"
            lines.append(f"  {item['distance']:>3}  {item['uid']:<44} {owner}")
    lines.append("NOTIFY:")
    for n in a["notify"]:
        owns = ", ".join(f"{o['uid']} ({o['role']})" for o in n["owns"][:5])
        more = f" and {len(n['owns']) - 5} more" if len(n["owns"]) > 5 else ""
        lines.append(f"  {_who(n['person'])}: {owns}{more}")
    for n in a["inactive_owners"]:
        lines.append(f"  (inactive) {_who(n['person'])}: {len(n['owns'])} artifacts")
    return "\n".join(lines)
