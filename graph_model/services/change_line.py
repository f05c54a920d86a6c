"""What changed in a version, in one line, and whether it was only a data refresh.

Why one line: during an incident a responder scans the recent upstream changes for the
one that explains the failure; "max_depth 6 -> 8; commit: "longer window" by hal" says
where to look, a flag alone does not (on the demo's failing deployment most upstream
artifacts carry a recent version). The line is written from a ``compare`` answer (the
version against the one before it), so it never says more than the full compare page
shows. Pure: no store.

The data-refresh rule (``risk.FLAGS["data_refresh"]`` quotes it): a version is a data
refresh when, against the version before it, it changed no code (it records no commit,
or the same one), no parameters (hyperparameters and deployment conditions), no schema
columns and no upstream *artifact* (new versions of the same inputs are new data, an
input added or dropped is a change). Metrics and the run may differ: a re-run produces
new numbers. A first version is a change (something new appeared).
"""

from __future__ import annotations

import json
from typing import Any

from ..schema import split_version_uid

PARAMETER_FIELDS = ("hyperparameters", "deployment")   # what a person set; metrics are outcomes
SHOWN = 3             # items of one kind named before "and N more"
VALUE_CHARS = 24      # a value longer than this is cut with "..."
MESSAGE_CHARS = 60    # a commit message's first line, cut to this


def _value(v: Any) -> str:
    text = v if isinstance(v, str) else json.dumps(v, sort_keys=True)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS - 3] + "..."


def _some(items: list[str]) -> str:
    more = len(items) - SHOWN
    return ", ".join(items[:SHOWN]) + (f" and {more} more" if more > 0 else "")


def parameter_changes(d: dict) -> list[str]:
    """``key a -> b`` per changed parameter, ``key added (v)`` / ``key removed``."""
    out = []
    for f in PARAMETER_FIELDS:
        m = d[f]
        out += [f"{k} {_value(c['b'])} -> {_value(c['a'])}" for k, c in m["changed"].items()]
        out += [f"{k} added ({_value(v)})" for k, v in m["only_in_a"].items()]
        out += [f"{k} removed" for k in m["only_in_b"]]
    return out


def code_changed(d: dict) -> bool:
    """The newer version records a commit, and not the one the older version records."""
    a, b = d["commit"]["a"], d["commit"]["b"]
    return a is not None and (b is None or a["sha"] != b["sha"])


def schema_changed(d: dict) -> bool:
    s = d["schema"]
    return bool(s["added"] or s["removed"] or s["changed"])


def upstream_changes(d: dict) -> tuple[list[str], list[str], list[str]]:
    """(new version uids of inputs it already had, inputs added as version uids, input
    artifacts dropped), each sorted."""
    def by_artifact(entries: list[dict]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for e in entries:
            out.setdefault(split_version_uid(e["uid"])[0], set()).add(e["uid"])
        return out

    a = by_artifact(d["upstream"]["added"] + d["upstream"]["unchanged"])
    b = by_artifact(d["upstream"]["removed"] + d["upstream"]["unchanged"])
    newer = sorted(u for art in a.keys() & b.keys() for u in a[art] - b[art])
    added = sorted(u for art in a.keys() - b.keys() for u in a[art])
    return newer, added, sorted(b.keys() - a.keys())


def is_refresh(d: dict | None) -> bool:
    """The data-refresh rule of the module docstring (None, a first version, is not)."""
    if d is None:
        return False
    _, added, dropped = upstream_changes(d)
    return not (code_changed(d) or parameter_changes(d) or schema_changed(d) or added or dropped)


def line(d: dict | None) -> str:
    """One line saying what changed, e.g. ``max_depth 6 -> 8; schema: +2 columns, -1;
    commit: "longer window" by hal; new upstream version raw/events@2026-02-01``."""
    if d is None:
        return "first version"
    parts = []
    params = parameter_changes(d)
    if params:
        parts.append(_some(params))
    s = d["schema"]
    if schema_changed(d):
        bits = [f"+{len(s['added'])} column{'s' if len(s['added']) != 1 else ''}"] if s["added"] else []
        bits += [f"-{len(s['removed'])}"] if s["removed"] else []
        bits += [f"{len(s['changed'])} retyped"] if s["changed"] else []
        parts.append("schema: " + ", ".join(bits))
    if code_changed(d):
        c = d["commit"]["a"]
        message = ((c.get("message") or "").strip().splitlines() or [""])[0]
        if len(message) > MESSAGE_CHARS:
            message = message[:MESSAGE_CHARS - 3] + "..."
        what = f'"{message}"' if message else c["sha"][:10]
        parts.append(f"commit: {what} by {c.get('author') or '?'}")
    newer, added, dropped = upstream_changes(d)
    if added:
        parts.append(f"new input{'s' if len(added) > 1 else ''} {_some(added)}")
    if dropped:
        parts.append(f"dropped input{'s' if len(dropped) > 1 else ''} {_some(dropped)}")
    if newer:
        parts.append(f"new upstream version{'s' if len(newer) > 1 else ''} {_some(newer)}")
    if not parts:
        metrics = d["metrics"]
        if metrics["changed"] or metrics["only_in_a"] or metrics["only_in_b"]:
            changed = [f"{k} {_value(c['b'])} -> {_value(c['a'])}" for k, c in metrics["changed"].items()]
            parts.append("re-ran: " + (_some(changed) if changed else "metrics changed"))
        elif d["upstream"]["unchanged"]:
            parts.append("same code, parameters and inputs")
        else:
            parts.append("new snapshot, nothing else differs")
    return "; ".join(parts)
