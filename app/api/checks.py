"""Policy checks over the API: the check, the deploy gate, and the recorded runs.

The policy is the one in force on the server (``OWNERGRAPH_POLICY``, else built-in;
``graph_model.services.policy.active``). A check reads the whole catalogue (1.1 s at 10k
artifacts on the embedded engine, p50, bench/policy_check.py); the gate reads one
artifact and version (5 ms).
"""

from __future__ import annotations

from flask import Blueprint

from graph_model.services import check_history, checks, gate, policy

from . import answers
from .models import CheckQuery, CheckRunsQuery, GateQuery
from .operation import operation
from ..storage import get_store

bp = Blueprint("checks_api", __name__)


@bp.get("/api/v1/check")
@operation("Check every artifact against the policy: coverage per rule, team and kind; violations "
           "with their owners", answer=answers.CheckAnswer, query=CheckQuery, responses={404: "unknown team"})
def check(args: CheckQuery):
    got = checks.evaluate(get_store(), policy.active(), kind=args.kind.value if args.kind else None,
                          team=args.team, namespace=args.namespace)
    total = len(got["violations"])
    got["violations"] = got["violations"][:args.limit]
    return got | {"violations_total": total, "truncated": total > args.limit}


@bp.get("/api/v1/check/gate")
@operation("The deploy gate: may this version go out under the policy? (allowed, reasons, every rule)",
           answer=answers.GateAnswer, query=GateQuery, responses={404: "unknown artifact or version"})
def deploy_gate(args: GateQuery):
    return gate.deploy(get_store(), args.ref, policy.active())


@bp.get("/api/v1/check/runs")
@operation("Recorded check runs, oldest first (coverage over time)", answer=answers.CheckRuns,
           query=CheckRunsQuery)
def runs(args: CheckRunsQuery):
    return {"runs": check_history.history(get_store(), limit=args.limit)}
