"""The deploy gate: may this version go out? (``ownergraph check --gate deploy UID@VERSION``)

The gate applies every policy rule whose scope holds the artifact, judged at the version
asked rather than the newest (its run and log, the model version it runs, its lineage),
and for a model or deployment version always the two rules a release depends on,
whatever their scope: ``evaluated`` (the model version, or the one the deployment runs,
has an evaluation) and ``dataset-lineage`` (the version reaches a dataset version
upstream, walked from that version, not from any version of the artifact), unless the
policy turns them off (``enabled: false``). It reads only that artifact and version (a
few indexed reads and the upstream walk), not the whole catalogue. Allowed when
no error-severity rule fails; warnings are listed with the answer.
"""

from __future__ import annotations

from ..clock import now_ms
from ..errors import NotFound
from ..schema import from_epoch_ms, version_uid
from ..store.base import GraphStore, batched
from . import lineage_walk, policy as policy_mod, policy_facts, rules
from .checks import results_of
from .compare import parse_version_ref
from .policy import Policy

GATES = ("deploy",)
FORCED = ("dataset-lineage", "evaluated")
RELEASED_KINDS = ("model", "deployment")


def _reaches_dataset(store: GraphStore, vuid: str) -> bool:
    walk = lineage_walk.walk(store, [vuid], lineage_walk.UPSTREAM, lineage_walk.MAX_DEPTH,
                             lineage_walk.DEFAULT_MAX_VERSIONS)
    upstream = [u for u in walk.artifacts() if u != vuid.rpartition("@")[0]]
    return any(r["kind"] == "dataset" for chunk in batched(upstream)
               for r in store.read("artifacts_by_uids", uids=chunk))


def deploy(store: GraphStore, ref: str, policy: Policy | None = None, at: int | None = None) -> dict:
    """Whether version ``ref`` (``uid@version``) may go out, with every rule's result.

    Raises:
        BadParameter: ``ref`` is not ``uid@version``. NotFound: unknown artifact or version.
    """
    policy = policy or policy_mod.DEFAULT
    uid, version = parse_version_ref("ref", ref)
    vuid = version_uid(uid, version)
    at = now_ms() if at is None else at
    rows = store.read("artifact_kind_versions", uid=uid, version_uid=vuid)
    if not rows:
        raise NotFound(f"unknown artifact {uid!r}")
    if not rows[0]["version"]:
        raise NotFound(f"unknown version {version!r} of {uid}")
    f = policy_facts.load_one(store, uid, vuid)
    a = f.artifacts[uid]
    results = results_of(a, f, policy, at, version=vuid)
    if a.kind in RELEASED_KINDS:
        present = {r[0] for r in results}
        for rid in FORCED:
            rule = policy.rule(rid)
            if rid not in present and rule.enabled:
                results.append((rid, rule.severity, None, rules.CHECKS[rid](a, f, rule, at, vuid)))
        results = [r if r[0] != "dataset-lineage" else
                   (r[0], r[1], r[2], None if _reaches_dataset(store, vuid)
                    else f"{vuid} has no lineage to any dataset version") for r in results]
    checks = [{"rule": rid, "severity": sev, "review_kind": rk, "passed": reason is None, "message": reason}
              for rid, sev, rk, reason in results]
    reasons = [c["message"] for c in checks if not c["passed"] and c["severity"] == "error"]
    return {"gate": "deploy", "ref": vuid, "artifact": uid, "version": version, "kind": a.kind,
            "at": from_epoch_ms(at), "policy": policy.source, "allowed": not reasons,
            "reasons": reasons,
            "warnings": [c["message"] for c in checks if not c["passed"] and c["severity"] == "warning"],
            "checks": checks}
