"""``ownergraph check``: the policy over the catalogue, or the deploy gate over a version.

Exit codes: 0 no error-severity violation (or the gate allows), 1 at least one (or the
gate refuses), 2 a policy file that cannot be used (each problem with its path) or bad
options, 3 store unavailable. ``--format junit`` writes JUnit XML for CI systems: one
test suite per rule, a failed case per error, a skipped case per warning (CI systems
show skipped cases without failing the build), and one passing case per rule saying how
many artifacts pass it.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET

import click

from graph_model.services import check_history, checks, gate as gate_service, policy as policy_mod

from .access import cli_actor
from .context import Ctx


def _policy(path: str | None) -> policy_mod.Policy:
    try:
        return policy_mod.active(path)
    except policy_mod.PolicyError as e:
        where = path or "OWNERGRAPH_POLICY"
        click.echo(f"error: the policy {where} cannot be used: {len(e.problems)} problem(s)", err=True)
        for p in e.problems:
            click.echo(f"  {p}", err=True)
        sys.exit(2)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:.1f}%"


def _who(v: dict) -> str:
    parts = [f"owner {v['owner'] or 'none'}"]
    if v["stewards"]:
        parts.append(f"stewards {', '.join(v['stewards'])}")
    parts.append(f"team {v['team'] or 'none'}")
    return ", ".join(parts)


def check_text(a: dict) -> str:
    lines = [f"checked {a['artifacts']} artifact(s) against the {a['policy']} policy: "
             f"{a['counts']['errors']} error(s), {a['counts']['warnings']} warning(s); "
             f"coverage {_pct(a['coverage'])}", "", f"{'rule':<18} {'severity':<8} {'pass':>14}  coverage"]
    for r in a["rules"]:
        if r["enabled"]:
            lines.append(f"{r['id']:<18} {r['severity']:<8} {r['passing']:>6} of {r['applies']:<5} {_pct(r['coverage'])}")
    if a["violations"]:
        lines.append("")
    for v in a["violations"]:
        rule = v["rule"] + (f":{v['review_kind']}" if v["review_kind"] else "")
        lines.append(f"{v['severity'].upper():<7} {rule:<22} {v['uid']}: {v['message']} ({_who(v)})")
    lines.append("")
    lines.append("FAILED: error-severity violations remain" if not a["ok"] else "OK: no error-severity violation")
    return "\n".join(lines)


def check_junit(a: dict) -> str:
    root = ET.Element("testsuites", name="ownergraph check", tests="0", failures="0", skipped="0")
    total = fails = skips = 0
    by_rule: dict[str, list[dict]] = {}
    for v in a["violations"]:
        by_rule.setdefault(v["rule"], []).append(v)
    for r in a["rules"]:
        if not r["enabled"]:
            continue
        found = by_rule.get(r["id"], [])
        suite = ET.SubElement(root, "testsuite", name=r["id"])
        ok = ET.SubElement(suite, "testcase", classname=f"ownergraph.{r['id']}",
                           name=f"{r['passing']} of {r['applies']} artifact(s) pass")
        ET.SubElement(ok, "system-out").text = r["description"]
        n_fail = n_skip = 0
        for v in found:
            name = v["uid"] + (f" ({v['review_kind']} review)" if v["review_kind"] else "")
            case = ET.SubElement(suite, "testcase", classname=f"ownergraph.{r['id']}", name=name)
            text = f"{v['message']}\n{_who(v)}\nkind {v['kind']}, namespace {v['namespace']}"
            if v["severity"] == "error":
                ET.SubElement(case, "failure", message=v["message"], type="error").text = text
                n_fail += 1
            else:
                ET.SubElement(case, "skipped", message=f"warning: {v['message']}").text = text
                n_skip += 1
        suite.set("tests", str(1 + len(found)))
        suite.set("failures", str(n_fail))
        suite.set("skipped", str(n_skip))
        suite.set("errors", "0")
        total, fails, skips = total + 1 + len(found), fails + n_fail, skips + n_skip
    root.set("tests", str(total))
    root.set("failures", str(fails))
    root.set("skipped", str(skips))
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def gate_text(g: dict) -> str:
    head = f"{'ALLOWED' if g['allowed'] else 'REFUSED'}: {g['ref']} ({g['kind']}) may {'' if g['allowed'] else 'not '}" \
           f"go out under the {g['policy']} policy"
    lines = [head]
    for c in g["checks"]:
        rule = c["rule"] + (f":{c['review_kind']}" if c["review_kind"] else "")
        state = "pass" if c["passed"] else c["severity"]
        lines.append(f"  {state:<7} {rule:<22} {c['message'] or ''}".rstrip())
    return "\n".join(lines)


def gate_junit(g: dict) -> str:
    root = ET.Element("testsuites", name=f"ownergraph gate deploy {g['ref']}")
    suite = ET.SubElement(root, "testsuite", name=f"gate deploy {g['ref']}", tests=str(len(g["checks"])))
    fails = skips = 0
    for c in g["checks"]:
        case = ET.SubElement(suite, "testcase", classname="ownergraph.gate",
                             name=c["rule"] + (f" ({c['review_kind']} review)" if c["review_kind"] else ""))
        if not c["passed"] and c["severity"] == "error":
            ET.SubElement(case, "failure", message=c["message"], type="error").text = c["message"]
            fails += 1
        elif not c["passed"]:
            ET.SubElement(case, "skipped", message=f"warning: {c['message']}")
            skips += 1
    suite.set("failures", str(fails))
    suite.set("skipped", str(skips))
    root.set("tests", str(len(g["checks"])))
    root.set("failures", str(fails))
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


@click.command("check")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False), default=None,
              help="Policy file (YAML or JSON; env OWNERGRAPH_POLICY; default the built-in policy).")
@click.option("--kind", default=None, help="Only artifacts of this kind.")
@click.option("--team", default=None, help="Only artifacts this team is accountable for.")
@click.option("--namespace", default=None, help="Only artifacts in this namespace.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text")
@click.option("--gate", nargs=2, type=(click.Choice(gate_service.GATES), str), default=None,
              metavar="deploy UID@VERSION", help="Answer whether this version may go out (exit 0 or 1).")
@click.option("--record", is_flag=True,
              help="Keep this run's summary (an audit event) for the coverage chart; whole catalogue only.")
@click.pass_obj
def check(obj: Ctx, policy_file, kind, team, namespace, fmt, gate, record):
    """Check every artifact against the policy; exit 1 when an error-severity violation remains."""
    pol = _policy(policy_file)
    if gate is not None:
        if kind or team or namespace or record:
            raise click.UsageError("--gate takes no --kind, --team, --namespace or --record")
        with obj.store() as store:
            g = gate_service.deploy(store, gate[1], pol)
        click.echo(json.dumps(g, indent=2) if fmt == "json" else gate_junit(g) if fmt == "junit" else gate_text(g))
        sys.exit(0 if g["allowed"] else 1)
    if record and (kind or team or namespace):
        raise click.UsageError("--record keeps whole-catalogue runs only: drop --kind, --team and --namespace")
    with obj.store() as store:
        answer = checks.evaluate(store, pol, kind=kind, team=team, namespace=namespace)
        if record:
            seq = check_history.record(store, answer, cli_actor())
            click.echo(f"recorded as audit event {seq}", err=True)
    click.echo(json.dumps(answer, indent=2) if fmt == "json" else
               check_junit(answer) if fmt == "junit" else check_text(answer))
    sys.exit(0 if answer["ok"] else 1)
