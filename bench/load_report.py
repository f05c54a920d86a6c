"""The load suite's table: one column per (backend, size), one row per measure, the
issue 7 targets beside them, then one verdict line per target and the notes a reader
needs to trust the numbers (machine load, what failed, what the answers carried).

Latency cells are ``p50 / p95 / max`` in ms (nearest-rank), with ``n=`` the number of
timed requests when it is small enough to matter (under 100).
"""

from __future__ import annotations

from .report import _ms, _n, _size

TARGETS = {  # issue 7, section 4, at 100k artifacts, both backends
    "bulk_read_p95": 250.0, "bulk_rate": 20_000, "console_read_p95": 100.0,
    "page_p95": 300.0, "age_s": 60.0, "locust_errors": 0,
}
PAGE_ROWS = (("/hotspots", "/hotspots"), ("/", "/ (home page)"),
             ("/fragments/top-hotspots", "/fragments/top-hotspots (home page's hotspots)"),
             ("/api/v1/hotspots", "/api/v1/hotspots"))


def _lat(s: dict | None, with_max: bool = True) -> str:
    if not s or "error" in s:
        return "failed" if s else "–"
    if not s.get("n"):
        return "no answer"
    cell = f"{_ms(s['p50'])} / {_ms(s['p95'])}" + (f" / {_ms(s['max'])}" if with_max else "")
    return cell + (f" (n={s['n']})" if s["n"] < 100 else "")


def _get(r: dict, *keys):
    cur = r
    for k in keys:
        if not isinstance(cur, dict) or k not in cur:
            return None
        cur = cur[k]
    return cur


def _statuses(d: dict | None) -> str:
    if not d:
        return "–"
    names = {"0": "no answer"}
    return ", ".join(f"{n:,}× {names.get(s, s)}" for s, n in sorted(d.items(), key=lambda x: -x[1]))


def _age(r: dict) -> str:
    age = _get(r, "pages_writing", "age")
    if not age:
        return "failed" if _get(r, "pages_writing", "error") else "–"
    if not age.get("answers"):
        return "no answer"
    stated, measured = age["stated"], age["measured"]
    parts = [f"stated max {stated['max_s']:.1f} s" if stated["n"] else "no age stated"]
    if measured["n"]:
        parts.append(f"behind the writes max {measured['max_s']:.1f} s")
    return ", ".join(parts) + f" ({age['answers']} answers)"


def _bulk_rate(r: dict) -> str:
    load = _get(r, "bulk", "load")
    return _n(load["rate"]) if load else "failed"


def _stall(r: dict) -> str:
    d = _get(r, "bulk", "during")
    if not d or d.get("time_weighted_p95") is None:
        return "–"
    return f"{_ms(d['time_weighted_p95'])}; {d['slow_share'] * 100:.0f} %"


def _warmup(r: dict) -> str:
    w = r.get("bulk_warmup")
    if not w:
        return "–"
    if "error" in w:
        return "failed"
    d = w.get("during") or {}
    return (f"{w['load']['artifacts']:,} artifacts, {_n(w['load']['rate'])}/s; incident p95 "
            f"{_ms(d['p95']) if d.get('n') else '–'}")


def _units(r: dict) -> str:
    load = _get(r, "bulk", "load")
    if not load:
        return "–"
    return (f"{load['artifacts']:,} artifacts in {load['chunks']} units of {load['chunk_artifacts']:,}, "
            f"{load['seconds']:.1f} s; longest unit {load['unit_seconds_max']:.2f} s")


def _locust_total(r: dict) -> str:
    lc = r.get("locust")
    if not lc:
        return "–"
    if "error" in lc:
        return "failed"
    return (f"{lc['users']} users × {lc['seconds']} s: {lc['requests']:,} requests ({lc['rps']}/s), "
            f"{lc['failures']} errors")


def _endpoints(results: list[dict]) -> list[str]:
    names: dict[str, None] = {}
    for r in results:
        for name in (_get(r, "locust", "endpoints") or {}):
            names.setdefault(name, None)
    return sorted(names)


def rows(results: list[dict]) -> tuple[list[str], list[list[str]]]:
    head = ["measure"] + [f"{r['backend']} {_size(r['size'])}" for r in results] + ["target (100k)"]

    def line(label: str, cell, target: str = "") -> list[str]:
        return [label] + [cell(r) for r in results] + [target]

    out = [
        line("graph before the measurements (nodes + edges)", lambda r: _n(_get(r, "base_load", "elements"))),
        line("load of that graph, no concurrent reads (nodes + edges / s)",
             lambda r: _n(_get(r, "base_load", "rate"))),
        line("incident (service), nothing else running: p50 / p95 / max (ms)",
             lambda r: _lat(_get(r, "bulk", "baseline"))),
        line("**incident (service) during a bulk load: p50 / p95 / max (ms)**",
             lambda r: _lat(_get(r, "bulk", "during")), "p95 ≤ 250"),
        line("the same, time-weighted p95 (ms); share of the load's time in reads > 250 ms",
             _stall),
        line("**that bulk load's rate while read (nodes + edges / s)**", _bulk_rate, "≥ 20,000"),
        line("that bulk load", _units),
        line("the first load beside reads after the engine start (warm-up, not counted): rate; incident p95",
             _warmup),
        line("incident over HTTP, nothing else running: p50 / p95 / max (ms)",
             lambda r: _lat(r.get("http_baseline"))),
        line("**incident over HTTP, 2 heavy console queries in flight (ms)**",
             lambda r: _lat(_get(r, "console_2", "incident")), "p95 ≤ 100"),
        line("incident over HTTP, 4 heavy console queries attempted (ms)",
             lambda r: _lat(_get(r, "console_4", "incident"))),
        line("console answers with 4 attempted", lambda r: _statuses(_get(r, "console_4", "console_statuses"))),
    ]
    for path, label in PAGE_ROWS:
        bold = path in ("/hotspots", "/")
        out.append(line(f"{'**' if bold else ''}{label} between writes: p50 / p95 / max (ms){'**' if bold else ''}",
                        lambda r, p=path: _lat(_get(r, "pages_quiet", p)), "p95 ≤ 300" if bold else ""))
    for path, label in PAGE_ROWS:
        out.append(line(f"{label} while writes stream in (ms)",
                        lambda r, p=path: _lat(_get(r, "pages_writing", "pages", p))))
    out.append(line("**age of the hotspots answer while writes stream in**", _age, "≤ 60 s, stated"))
    out.append(line("**locust: simulated responders (20 for 60 s)**", _locust_total, "0 errors"))
    for name in _endpoints(results):
        out.append(line(f"locust `{name}`: p50 / p95 / max (ms)",
                        lambda r, n=name: _lat(_get(r, "locust", "endpoints", n))))
    return head, out


def table(results: list[dict]) -> str:
    head, body = rows(results)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 2) + ["---"]) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


def _check(name: str, value, target, higher: bool, fmt) -> tuple[str, str, str]:
    if value is None:
        return name, "not measured", ""
    ok = value >= target if higher else value <= target
    return name, fmt(value), f"{'met' if ok else 'MISSED'} (target {'≥' if higher else '≤'} {fmt(target)})"


def verdicts(results: list[dict]) -> list[str]:
    """One line per target and column (the targets are set for 100k artifacts)."""
    out = []
    ms = lambda v: f"{v:,.1f} ms"   # noqa: E731
    for r in results:
        age = _get(r, "pages_writing", "age") or {}
        stated, measured = age.get("stated") or {}, age.get("measured") or {}
        worst = max([x["max_s"] for x in (stated, measured) if x.get("n")], default=None)
        lc = r.get("locust") or {}
        checks = [
            _check("incident p95 during a bulk load", _get(r, "bulk", "during", "p95"), TARGETS["bulk_read_p95"],
                   False, ms),
            _check("bulk load rate while read", _get(r, "bulk", "load", "rate"), TARGETS["bulk_rate"], True,
                   lambda v: f"{v:,.0f}/s"),
            _check("incident p95 with 2 console queries", _get(r, "console_2", "incident", "p95"),
                   TARGETS["console_read_p95"], False, ms),
            _check("/hotspots p95 between writes", _get(r, "pages_quiet", "/hotspots", "p95"), TARGETS["page_p95"],
                   False, ms),
            _check("/ p95 between writes", _get(r, "pages_quiet", "/", "p95"), TARGETS["page_p95"], False, ms),
            _check("hotspots answer age while writing (stated or measured, the larger)", worst,
                   TARGETS["age_s"], False, lambda v: f"{v:,.1f} s"),
            _check("locust errors", lc.get("failures") if "requests" in lc else None, TARGETS["locust_errors"],
                   False, lambda v: f"{v:,}"),
        ]
        for name, value, verdict in checks:
            if name.startswith("hotspots answer age") and age.get("answers") and not stated.get("n"):
                value, verdict = "the answer states no age", "MISSED (it must say how old it is)"
            out.append(f"- {r['backend']} {_size(r['size'])}, {name}: {value}" + (f" — {verdict}" if verdict else ""))
    return out


def notes(results: list[dict]) -> list[str]:
    out = []
    for r in results:
        tag = f"{r['backend']} {_size(r['size'])}"
        la = r.get("load_average", {})
        steps = r.get("step_seconds", {})
        per_step = "; ".join(
            f"{k} {_get(r, k, 'load_average', 'start')}→{_get(r, k, 'load_average', 'end')}"
            for k in ("bulk", "console_2", "console_4", "locust", "pages_writing") if _get(r, k, "load_average"))
        out.append(f"- {tag}: sample of {r['sample']['n']} artifacts (the main table's); served with "
                   f"`ownergraph serve` {' '.join(r.get('serve_flags') or []) or '(no extra flags)'}; "
                   f"machine load average (1 min, {r.get('cpus', '?')} CPUs) {la.get('start')} at the start, "
                   f"{la.get('end')} at the end; per measurement (start→end): {per_step}. "
                   f"Time per step (s): {', '.join(f'{k} {v:g}' for k, v in steps.items())}.")
        for key in ("base_load", "bulk_warmup", "bulk", "http_baseline", "console_2", "console_4", "pages_quiet",
                    "locust", "pages_writing"):
            if isinstance(r.get(key), dict) and "error" in r[key]:
                out.append(f"  - {tag} {key} failed: {r[key]['error']}")
        for key in ("console_2", "console_4"):
            c = r.get(key) or {}
            if "console_statuses" in c:
                out.append(f"  - {tag}, {c['attempted']} console queries: console answers "
                           f"{_statuses(c['console_statuses'])} in {_lat(c['console_ms'])} ms; incident reads "
                           f"{_statuses(c['incident_statuses'])}"
                           + (f"; Retry-After {c['retry_after']}" if c.get("retry_after") else "")
                           + (f"; errors: {c['incident_errors'][:2]}" if c.get("incident_errors") else "") + ".")
        b = r.get("bulk") or {}
        if b.get("errors"):
            out.append(f"  - {tag}: {len(b['errors'])} incident reads failed during the bulk load: {b['errors'][:2]}")
        pw = r.get("pages_writing") or {}
        if "writes" in pw:
            a = pw["age"]
            out.append(f"  - {tag}: {pw['writes']} write units streamed in {pw['write_seconds']} s (longest "
                       f"{pw['write_seconds_max']:.2f} s); {a['answers']} hotspots answers while writing, "
                       f"{a['stated']['n']} stating an age, {a['since_computed']['n']} with computed_at"
                       + (f" (time since it: max {a['since_computed']['max_s']:.1f} s)" if a['since_computed']['n']
                          else "")
                       + f", {a['audit_seqs_seen']} distinct audit_seq.")
        lc = r.get("locust") or {}
        for name, e in (lc.get("endpoints") or {}).items():
            if e.get("failures"):
                out.append(f"  - {tag} locust `{name}`: {e['failures']} errors, e.g. {e['failure_examples'][:2]}")
    return out
