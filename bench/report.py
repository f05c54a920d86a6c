"""Turns the measurements into one markdown table (and the README around it).

One column per (backend, size), one row per metric, targets beside them: the table is
read top to bottom by someone asking "is it fast enough, and compared to what?".
Ratios are always baseline time / ownergraph time for the same work (same items, same
percentile): below 1 the baseline is faster, above 1 ownergraph is.
"""

from __future__ import annotations

TARGETS = {  # issue 3, at 100k artifacts, both backends
    "ingest": 20_000, "incident_p95": 50.0, "impact_p95": 50.0, "hotspots": 20.0,
}
BROWSER_TARGET_MS = 2000.0   # issue 4


def _size(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _ms(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}" if x >= 1 else f"{x:.2g}"


def _ratio(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:,.0f}×" if x >= 100 else f"{x:.1f}×" if x >= 1 else f"{x:.2g}×"


def _duration(seconds: float) -> str:
    return f"{seconds:,.0f} s" if seconds < 120 else f"{seconds / 60:,.0f} min"


def _n(x: float | None) -> str:
    return "–" if x is None else f"{x:,.0f}"


def _query_cell(q: dict, which: str) -> str:
    s = q[which]
    cell = f"{_ms(s['p50'])} / {_ms(s['p95'])}"
    if which == "ownergraph" and q.get("budget_hit"):
        cell += f" (n={s['n']})"
    return cell


def _baseline_cell(q: dict, base: str) -> str:
    s = q[base]
    if not s["n"]:
        return "–"
    cell = (f"{_ms(s['p50'])} / {_ms(s['p95'])} ms = {_ratio(q[f'{base}_ratio_p50'])} / "
            f"{_ratio(q[f'{base}_ratio_p95'])}")
    if base == "naive" and q["naive"]["n"] < q["ownergraph"]["n"]:
        cell += f" (n={s['n']})"
    return cell


def _naive_ingest_cell(r: dict) -> str:
    ni = r["naive_ingest"]
    if ni.get("error"):
        return "failed (see notes)"
    cell = f"{_n(ni['rate'])}/s = {_ratio(ni['ratio_time'])}"
    if ni["capped"]:
        cell += f" (first {ni['elements']:,} of {ni['total_elements']:,} in {ni['seconds']:.0f} s)"
    return cell


def _load(r: dict) -> str:
    la = r.get("load_average")
    if not la:
        return ""
    return f" Machine load average (1 min) {la['start']} at the start, {la['end']} at the end."


def rows(results: list[dict], browser: dict | None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the table."""
    head = ["metric"] + [f"{r['backend']} {_size(r['size'])}" for r in results] + ["target (100k)"]

    def line(label: str, cell, target: str = "") -> list[str]:
        return [label] + [cell(r) for r in results] + [target]

    q = lambda r, name: r["queries"][name]   # noqa: E731
    out = [
        line("graph after load (nodes + edges)", lambda r: _n(r["ingest"]["elements"])),
        line("load time (s)", lambda r: f"{r['ingest']['seconds']:,.1f}"),
        line("**ingest (nodes + edges / s)**", lambda r: _n(r["ingest"]["rate"]), "≥ 20,000"),
        line("**incident p50 / p95 (ms)**", lambda r: _query_cell(q(r, "incident"), "ownergraph"), "p95 ≤ 50"),
        line("**impact p50 / p95 (ms)**", lambda r: _query_cell(q(r, "impact"), "ownergraph"), "p95 ≤ 50"),
        line("**hotspots (s)**", lambda r: f"{r['hotspots']['seconds']:.2f}", "≤ 20"),
        line("peak RSS, ownergraph process (MB)", lambda r: _n(r["memory"]["peak_rss_mb"])),
        line("RSS of the engine after the run (MB)", lambda r: _n(r["memory"]["engine_rss_mb"])),
        line("floor: incident p50 / p95 = ratio", lambda r: _baseline_cell(q(r, "incident"), "floor")),
        line("floor: impact p50 / p95 = ratio", lambda r: _baseline_cell(q(r, "impact"), "floor")),
        line("naive: incident p50 / p95 = ratio", lambda r: _baseline_cell(q(r, "incident"), "naive")),
        line("naive: impact p50 / p95 = ratio", lambda r: _baseline_cell(q(r, "impact"), "naive")),
        line("naive: per-row ingest = ratio", _naive_ingest_cell),
    ]
    if browser:
        home = next((r for r in results if r["backend"] == "falkordb" and r["size"] == browser["size"]),
                    next((r for r in results if r["backend"] == "falkordb"), None))

        def cell(r: dict) -> str:
            if r is not home:
                return "–"
            where = "" if r["size"] == browser["size"] else f", at size {_size(browser['size'])}"
            return f"{_ms(browser['median_ms']['interactive'])} ms ({browser['nodes_drawn']} nodes{where})"
        out.append(line("**300-node page interactive, median of 5 (ms)**", cell, "≤ 2,000 (issue 4)"))
    return head, out


def table(results: list[dict], browser: dict | None) -> str:
    head, body = rows(results, browser)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 2) + ["---"]) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


def verdicts(results: list[dict], browser: dict | None) -> list[str]:
    """One line per target and backend at the largest size measured."""
    out = []
    for r in results:
        if r["size"] != max(x["size"] for x in results if x["backend"] == r["backend"]):
            continue
        checks = [
            ("ingest", r["ingest"]["rate"], TARGETS["ingest"], True, lambda v: f"{v:,.0f}/s"),
            ("incident p95", r["queries"]["incident"]["ownergraph"]["p95"], TARGETS["incident_p95"], False,
             lambda v: f"{v:,.1f} ms"),
            ("impact p95", r["queries"]["impact"]["ownergraph"]["p95"], TARGETS["impact_p95"], False,
             lambda v: f"{v:,.1f} ms"),
            ("hotspots", r["hotspots"]["seconds"], TARGETS["hotspots"], False, lambda v: f"{v:,.2f} s"),
        ]
        for name, value, target, higher, fmt in checks:
            ok = value is not None and (value >= target if higher else value <= target)
            out.append(f"- {r['backend']} {_size(r['size'])}, {name}: {fmt(value)} — "
                       f"{'met' if ok else 'MISSED'} (target {'≥' if higher else '≤'} {fmt(target)})")
    if browser:
        v = browser["median_ms"]["interactive"]
        out.append(f"- 300-node page ({browser['nodes_drawn']} nodes drawn, falkordb {_size(browser['size'])}): "
                   f"{v:,.0f} ms — {'met' if v <= BROWSER_TARGET_MS else 'MISSED'} (target ≤ 2,000 ms)")
    return out


def notes(results: list[dict], browser: dict | None) -> list[str]:
    """The facts a reader needs to trust (or distrust) the numbers."""
    out = []
    for r in results:
        tag = f"{r['backend']} {_size(r['size'])}"
        ing, inc, imp = r["ingest"], r["queries"]["incident"], r["queries"]["impact"]
        mix = ", ".join(f"{v} {k}" for k, v in sorted(r["sample"]["mix"].items()))
        out.append(
            f"- {tag}: sample of {r['sample']['n']} ({mix}); the load ({ing['chunks']} write units of up to "
            f"{ing['chunk_artifacts']} artifacts, demo generation included, {ing['generation_seconds']:.1f} s of it) "
            f"left {ing['nodes']:,} nodes ({ing['audit_events']:,} of them audit events) and "
            f"{ing['relationships']:,} relationships; without the audit events the rate is "
            f"{ing['rate_without_audit']:,.0f}/s. Floor answers equal ownergraph's: incident "
            f"{inc['floor_agree']}, impact {imp['floor_agree']}; naive: {inc['naive_agree']}, {imp['naive_agree']}."
            f" Hotspots: first run {r['hotspots']['first_seconds']:.2f} s (warm-up, excluded), measured "
            f"{r['hotspots']['runs']}." + _load(r))
        for name, qq in (("incident", inc), ("impact", imp)):
            if qq["budget_hit"]:
                out.append(f"  - {tag} {name}: the time budget stopped the loop after "
                           f"{qq['ownergraph']['n']} of {r['sample']['n']} artifacts (a seeded-shuffled prefix).")
            if qq["naive"]["n"] and qq["naive"]["n"] < qq["ownergraph"]["n"]:
                on = qq["ownergraph_on_naive_items"]
                out.append(f"  - {tag} naive {name}: measured on the first {qq['naive']['n']} artifacts "
                           f"(time budget); ownergraph on those same ones: {_ms(on['p50'])} / {_ms(on['p95'])} ms.")
        ni = r["naive_ingest"]
        if ni.get("error"):
            out.append(f"  - {tag} naive ingest failed: {ni['error']}")
        if ni["capped"] and ni["rate"]:
            out.append(f"  - {tag} naive ingest: {ni['elements']:,} elements in {ni['seconds']:.0f} s into an "
                       f"empty store, then stopped; at that rate all {ni['total_elements']:,} (audit events "
                       f"not counted) would take ~{_duration(ni['total_elements'] / ni['rate'])}, likely more "
                       f"as the store fills.")
    if browser:
        m = browser["median_ms"]
        out.append(f"- Browser: `{browser['page']}` (impact reaches {browser['impact_artifacts']} artifacts; "
                   f"{browser['nodes_drawn']} nodes and {browser['edges_drawn']} edges drawn), runs "
                   f"{browser['interactive_ms']} ms; medians: server response starts at {m['response_start']:,.0f} ms, "
                   f"graph drawn at {m['ready']:,.0f} ms, load event at {m['load']:,.0f} ms, longest main-thread "
                   f"task {m['longest_task']:,.0f} ms."
                   + (f" Machine load average (1 min) at the end: {browser['load_average']}."
                      if "load_average" in browser else ""))
    return out
