"""The incident summary as Markdown, for the "copy as Markdown" button.

Why on the server: the text pasted into the incident channel must say exactly what the
page says (same order, same reasons), so it is built from the same answer. Markdown
control characters in names are escaped so a name cannot restyle or link the message.
"""

from __future__ import annotations

import re
from functools import partial

from graph_model.services.person_view import who

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md(text: object) -> str:
    """Escape Markdown syntax in user text (names, uids, reasons)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


_who = partial(who, contact="email", brackets="()", inactive="", escape=md)


def incident_markdown(a: dict, page_url: str | None = None) -> str:
    """Artifact, page list, recent upstream changes, routing notes and truncation."""
    art = a["artifact"]
    lines = [f"**Incident: {md(art['uid'])}** ({md(art.get('kind') or '')}, version {md(art['version'])}), "
             f"as of {md(a['at'])}"]
    runbook = (art.get("links") or {}).get("runbook")
    if runbook:
        lines.append(f"Runbook: <{runbook}>")
    if page_url:
        lines.append(f"Dashboard: <{page_url}>")
    pb = a.get("playbook")
    if pb:
        if pb.get("channel"):
            lines.append(f"Channel: {md(pb['channel'])}")
        if pb.get("rollback"):
            lines.append(f"Roll back when: {md(pb['rollback'])}")
        if pb.get("runbook") and pb["runbook"] != runbook:
            lines.append(f"Playbook runbook: <{pb['runbook']}>")
    if a.get("truncated"):
        lines.append(f"**Warning: incomplete** ({md(a.get('truncated_reason') or 'the walk was cut')})")
    lines += ["", "**Page, in order**"]
    for entry in a["page"]:
        lines.append(f"{entry['order']}. {_who(entry['person'])}: {'; '.join(md(r) for r in entry['reasons'])}")
    if not a["page"]:
        lines.append("(nobody can be paged)")
    recent = [u for u in a["upstream"] if "recent_change" in u["flags"]]
    lines += ["", "**Recent upstream changes**"]
    for u in recent:
        rc = u["recent_change"]
        lines.append(f"- {md(u['uid'])} (distance {u['distance']}), changed {md(rc['ago'])}: {md(rc['what'])}")
    if not recent:
        lines.append("- none within 7 days before the incident")
    refreshed = [u for u in a["upstream"] if "data_refresh" in u["flags"]]
    if refreshed:
        lines += ["", "**Data refreshes** (new data only)"]
        lines += [f"- {md(u['uid'])} (distance {u['distance']}), data refreshed "
                  f"{md(u['recent_change']['ago'])}: {md(u['recent_change']['what'])}" for u in refreshed]
    if a.get("notes"):
        lines += ["", "**Notes**"] + [f"- {md(n)}" for n in a["notes"]]
    return "\n".join(lines)
