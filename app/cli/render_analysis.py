"""Terminal tables for hotspots, history and compare (``--json`` prints the answer instead)."""

from __future__ import annotations

import json
from typing import Any


def _short(value: Any, width: int = 40) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[:width - 1] + "…"


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    cells = [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return [fmt.format(*headers).rstrip(), fmt.format(*("-" * w for w in widths)).rstrip()] + \
        [fmt.format(*r).rstrip() for r in cells]


def hotspots(answer: dict) -> str:
    f = answer["filters"]
    scope = ", ".join(f"{k}={v}" for k, v in f.items() if k != "limit" and v) or "all artifacts"
    lines = [f"risk hotspots ({scope}; {answer['artifacts_at_risk']} of {answer['artifacts_total']} "
             f"artifacts at risk; as of {answer['as_of']})"]
    if not answer["artifacts"]:
        return "\n".join(lines + ["  (none)"])
    rows = [[i, f"{r['score']:.1f}", r["kind"], r["uid"], r["owner"] or "(none)",
             r["components"]["downstream"]["total"]] for i, r in enumerate(answer["artifacts"], 1)]
    table = _table(["#", "score", "kind", "artifact", "owner", "dependents"], rows)
    lines += table[:2]
    for line, r in zip(table[2:], answer["artifacts"]):
        lines += [line, f"     {r['explanation']}"]
    return "\n".join(lines)


def people_hotspots(answer: dict) -> str:
    lines = ["people whose departure would orphan the most (sole active owners)"]
    if not answer["people"]:
        return "\n".join(lines + ["  (none)"])
    rows = [[i, p["person"], p["name"] or "", p["count"], p["downstream"], f"{p['reach_weight']:g}",
             ", ".join(a["uid"] for a in p["artifacts"][:3]) + (" …" if p["count"] > 3 else "")]
            for i, p in enumerate(answer["people"], 1)]
    return "\n".join(lines + _table(["#", "person", "name", "owns alone", "dependents", "weight",
                                     "widest"], rows))


def history(h: dict) -> str:
    lines = [f"{h['uid']}  ({h['kind']})", "", f"versions ({len(h['versions'])}):"]
    if h["versions"]:
        lines += ["  " + ln for ln in _table(["version", "created", "commit", "author", "run"], [
            [v["version"], v["created_at"], (v["commit"] or {}).get("sha", "")[:10],
             (v["commit"] or {}).get("author"), (v["run"] or {}).get("id")] for v in h["versions"]])]
    lines += ["", "ownership over time:"]
    if h["ownership"]:
        lines += ["  " + ln for ln in _table(["holder", "role", "since", "until", "reason", "end reason"], [
            [e["id"] + ("  [inactive]" if e["active"] is False else ""), e["role"], e["since"],
             e["until"] or "(current)", _short(e["reason"] or ""), _short(e["end_reason"] or "")]
            for e in h["ownership"]])]
    else:
        lines.append("  (no owners recorded)")
    lines += ["", f"audit events ({len(h['audit'])}):"]
    for e in h["audit"]:
        lines.append(f"  #{e['seq']:<6} {e['at']}  {e['actor']:<12} {e['action']:<22} {e['target']}"
                     + (f"  ({_short(e['reason'])})" if e["reason"] else ""))
    return "\n".join(lines)


def _map_diff(title: str, d: dict) -> list[str]:
    if not (d["only_in_a"] or d["only_in_b"] or d["changed"]):
        return [f"{title}: no differences ({d['unchanged']} equal)"]
    lines = [f"{title}:"]
    for k, v in d["changed"].items():
        lines.append(f"  ~ {k}: {_short(v['b'])} -> {_short(v['a'])}")
    for k, v in d["only_in_a"].items():
        lines.append(f"  + {k}: {_short(v)}   (only in a)")
    for k, v in d["only_in_b"].items():
        lines.append(f"  - {k}: {_short(v)}   (only in b)")
    return lines


def compare(d: dict) -> str:
    a, b = d["a"], d["b"]
    lines = [f"a: {a['uid']}  created {a['created_at']}",
             f"b: {b['uid']}  created {b['created_at']}" + ("  (the version before a)" if d["b_is_previous"] else "")]
    if d["note"]:
        lines.append(f"note: {d['note']}")
    if d["identical"]:
        return "\n".join(lines + ["no differences"])
    lines.append("")
    for title in ("hyperparameters", "metrics", "deployment"):
        lines += _map_diff(title, d[title])
    up = d["upstream"]
    if up["added"] or up["removed"]:
        lines.append("upstream:")
        lines += [f"  + {u['uid']} ({u['relation']})" for u in up["added"]]
        lines += [f"  - {u['uid']} ({u['relation']})" for u in up["removed"]]
    else:
        lines.append(f"upstream: no differences ({len(up['unchanged'])} shared)")
    for what, key in (("commit", "sha"), ("run", "id")):
        side = d[what]
        va, vb = (side["a"] or {}).get(key), (side["b"] or {}).get(key)
        lines.append(f"{what}: {vb or '(none)'} -> {va or '(none)'}" if side["changed"]
                     else f"{what}: same ({va or 'none'})")
    return "\n".join(lines)
