"""What a hotspots answer says about its freshness, and whether the writes agree.

The answer is read as the product states it (``age_s``, ``computed_at``, ``audit_seq``,
under whichever of the usual names it uses, absent fields tolerated) and checked
independently: from the streamed writes' own audit sequence numbers, how long before the
answer the first write it does not reflect had been acknowledged.
"""

from __future__ import annotations

import json
from datetime import datetime

from . import stats


def _epoch_seconds(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value / 1000 if value > 1e11 else float(value)   # epoch milliseconds or seconds
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


def answer_age(body: bytes, received: float) -> dict:
    """What a hotspots answer says about its freshness, looked for at the top level and one
    level down: the age it states (``age_s``, ``age_seconds`` or ``age_ms``), the time since
    ``computed_at`` (ISO-8601 or epoch), and ``audit_seq`` (the last audit event it
    reflects). Missing fields are None."""
    out = {"stated_s": None, "since_computed_s": None, "audit_seq": None, "received": received}
    try:
        doc = json.loads(body)
    except ValueError:
        return out
    for d in ([doc] + [v for v in doc.values() if isinstance(v, dict)]) if isinstance(doc, dict) else []:
        for key, scale in (("age_s", 1), ("age_seconds", 1), ("age_ms", 1000)):
            if out["stated_s"] is None and isinstance(d.get(key), (int, float)) and not isinstance(d[key], bool):
                out["stated_s"] = d[key] / scale
        at = _epoch_seconds(d.get("computed_at"))
        if out["since_computed_s"] is None and at is not None:
            out["since_computed_s"] = round(received - at, 3)
        if out["audit_seq"] is None and isinstance(d.get("audit_seq"), int):
            out["audit_seq"] = d["audit_seq"]
    return out


def measured_lag(age: dict, writes: list[list]) -> float | None:
    """How long before the answer the first write it does not reflect was acknowledged
    (0 when it reflects every write acknowledged by then); None without ``audit_seq``.
    ``writes``: [start, seconds, last audit seq] per streamed write unit."""
    if age["audit_seq"] is None:
        return None
    missed = [w[0] + w[1] for w in writes if w[2] is not None and w[2] > age["audit_seq"]
              and w[0] + w[1] <= age["received"]]
    return round(age["received"] - min(missed), 3) if missed else 0.0


def age_summary(ages: list[dict], writes: list[list]) -> dict:
    out = {"answers": len(ages)}
    for key, values in (("stated", [a["stated_s"] for a in ages]),
                        ("since_computed", [a["since_computed_s"] for a in ages]),
                        ("measured", [measured_lag(a, writes) for a in ages])):
        values = [v for v in values if v is not None]
        out[key] = {"n": len(values), "max_s": max(values), "p50_s": stats.percentile(values, 0.5)} if values \
            else {"n": 0}
    out["audit_seqs_seen"] = len({a["audit_seq"] for a in ages if a["audit_seq"] is not None})
    return out
