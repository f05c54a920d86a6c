"""Plain-text rendering of service answers for the terminal (the ``--json`` flag skips it)."""

from __future__ import annotations

from functools import partial

from graph_model.services.person_view import who

_who = partial(who, contact="id")


def artifact_card(card: dict) -> str:
    lines = [f"{card['uid']}  ({card['kind']})"]
    if card.get("description"):
        lines.append(f"  {card['description']}")
    lines.append(f"owner:      {_who(card.get('owner'))}")
    stewards = ", ".join(_who(s) for s in card["stewards"]) or "(none)"
    lines.append(f"stewards:   {stewards}")
    team = card.get("team")
    if team:
        lines.append(f"team:       {team['name']} <{team['id']}>")
        for i, p in enumerate(team["escalation"], 1):
            lines.append(f"  escalation {i}. {_who(p)}")
    else:
        lines.append("team:       (none)")
    if card.get("tags"):
        lines.append(f"tags:       {', '.join(card['tags'])}")
    for name, url in sorted((card.get("links") or {}).items()):
        lines.append(f"{name + ':':<11} {url}")
    lines.append(f"versions ({len(card['versions'])}):")
    for v in card["versions"][:20]:
        commit = f"  commit {v['commit']['sha'][:10]} by {v['commit']['author']}" if v.get("commit") else ""
        lines.append(f"  {v['version']:<20} {v['created_at'] or ''}{commit}")
    if len(card["versions"]) > 20:
        lines.append(f"  ... {len(card['versions']) - 20} older")
    if card.get("latest_version"):
        lines.append(f"lineage of {card['latest_version']}:")
        for p in card["parents"]:
            lines.append(f"  <- {p['uid']}  ({p['relation']})")
        for c in card["children"]:
            lines.append(f"  -> {c['uid']}  ({c['relation']})")
        if not card["parents"] and not card["children"]:
            lines.append("  (no lineage recorded)")
    return "\n".join(lines)
