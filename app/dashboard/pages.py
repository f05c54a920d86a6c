"""The dashboard: server-rendered pages for responders and owners.

Views stay thin: parse the request, call a service, render a template. Every value a
user typed reaches the page through Jinja's autoescaping or as JSON data for the graph
script (which builds tooltips from text nodes), never as markup. Links to artifacts are
built with ``url_for`` over a ``path`` converter, since a uid may hold '/', spaces and
any other character except '@' and control characters.
"""

from __future__ import annotations

from pathlib import Path

import pyvis
from flask import Blueprint, abort, current_app, g, render_template, request, send_from_directory, url_for

from graph_model.errors import BadParameter
from graph_model.schema import Kind, split_version_uid
from graph_model.services import (artifacts, compare, history, hotspot_cache, overview, overview_cache, path_flags,
                                  people, provenance)
from graph_model.services import impact as impact_service
from graph_model.services import incident as incident_service

from . import graph_overview, graphview, page_graphs
from .incident_markdown import incident_markdown
from ..params import int_arg, optional_arg, parse_instant, required_arg
from ..storage import get_store

bp = Blueprint("dashboard", __name__)

VIS_DIR = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
VIS_FILES = {"vis-network.min.js", "vis-network.css"}
KINDS = [k.value for k in Kind]


def node_cap() -> int:
    return int(current_app.config.get("OWNERGRAPH_GRAPH_NODE_CAP", graphview.DEFAULT_CAP))


def overview_for(node_count: int) -> bool:
    """Whether this page's graph opens as the grouped overview: past
    ``OWNERGRAPH_GRAPH_OVERVIEW_AT`` nodes (default 40), unless ``?graph=`` chooses."""
    choice = optional_arg("graph")
    if choice not in (None, "overview", "artifacts"):
        raise BadParameter("graph", f"must be 'overview' or 'artifacts', got {choice!r}")
    at = int(current_app.config.get("OWNERGRAPH_GRAPH_OVERVIEW_AT", graph_overview.DEFAULT_THRESHOLD))
    return graph_overview.wants_overview(node_count, at, choice)


def _uid_url(page: str, uid: str, **args) -> str:
    """The page's URL for ``uid``: in the path, unless a segment is '.' or '..' (browsers
    resolve those away, even percent-encoded), then as ``?uid=``."""
    if any(seg in (".", "..") for seg in uid.split("/")):
        return url_for(f"dashboard.{page}_by_query", uid=uid, **args)
    return url_for(f"dashboard.{page}", uid=uid, **args)


@bp.app_template_global()
def artifact_url(uid: str, **args) -> str:
    """Remembered for the request: a 2,000-artifact impact page links each artifact twice
    (the graph overview and the table), and ``url_for`` cost about 85 us a call on a busy 2-core machine."""
    if args:
        return _uid_url("artifact", uid, **args)
    known = g.setdefault("artifact_urls", {})
    if uid not in known:
        known[uid] = _uid_url("artifact", uid)
    return known[uid]


@bp.app_template_global()
def incident_url(uid: str, **args) -> str:
    return _uid_url("incident", uid, **args)


@bp.app_template_global()
def impact_url(uid: str, **args) -> str:
    return _uid_url("impact", uid, **args)


@bp.app_template_global()
def compare_url(version_uid: str) -> str:
    """The artifact page on ``version_uid``, at its diff with the previous version."""
    uid, version = split_version_uid(version_uid)
    return _uid_url("artifact", uid, version=version) + "#compare"


def _query_uid(uid: str | None) -> str:
    """The uid from the path, else from ``?uid=`` (the form used for awkward uids)."""
    return uid if uid is not None else required_arg("uid")


@bp.app_template_filter("http_url")
def http_url(value: object) -> str:
    """Only http(s) links become hrefs; anything else (javascript:, data:) becomes '#'."""
    text = str(value or "")
    return text if text.lower().startswith(("http://", "https://")) else "#"


@bp.after_app_request
def security_headers(response):
    """Pages may only run our own scripts: a content-security policy as a second line of
    defence behind escaping, and no framing."""
    if response.mimetype == "text/html":
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@bp.get("/assets/vis-network/<name>")
def vis_asset(name: str):
    """vis-network from the copy pyvis ships: the pages never load anything from a CDN."""
    if name not in VIS_FILES:
        abort(404)
    return send_from_directory(VIS_DIR, name, max_age=86400)


@bp.get("/")
def home():
    q = (request.args.get("q") or "").strip()
    store = get_store()
    results = artifacts.search(store, q, 50) if q else None
    return render_template("home.html", q=q, results=results, ov=overview_cache.cached_overview(store, 10))


@bp.get("/fragments/top-hotspots")
def top_hotspots():
    """The home page's hotspot table, loaded after the page (a cold ranking reads the whole graph)."""
    answer = hotspot_cache.cached_hotspots(get_store(), limit=int_arg("limit", 5, 1, 50))
    return render_template("_top_hotspots.html", rows=answer["artifacts"], a=answer)


@bp.get("/incident", endpoint="incident_by_query")
@bp.get("/incident/<path:uid>")
def incident(uid: str | None = None):
    uid = _query_uid(uid)
    store = get_store()
    as_of_text = optional_arg("as_of")
    answer = incident_service.incident(
        store, uid, version=optional_arg("version"), depth=int_arg("depth", None, 1, incident_service.MAX_DEPTH),
        as_of=parse_instant("as_of", as_of_text))
    if overview_for(1 + len(answer["upstream"])):
        graph = graph_overview.lineage_overview(answer["artifact"], answer["upstream"], answer["edges"],
                                                upstream=True, url_for_uid=artifact_url, centre_failing=True)
    else:
        graph = graphview.lineage_graph(answer["artifact"], answer["upstream"], answer["edges"], upstream=True,
                                        url_for_uid=artifact_url, cap=node_cap(), centre_failing=True)
    versions = [v["version"] for v in artifacts.show(store, uid)["versions"]]
    not_paged = _not_paged(answer)
    return render_template("incident.html", a=answer, graph=graph, versions=versions, uid=uid,
                           form={"as_of": as_of_text or "", "version": optional_arg("version") or "",
                                 "depth": request.args.get("depth") or ""},
                           not_paged=not_paged, markdown=incident_markdown(answer, request.url),
                           max_depth=incident_service.MAX_DEPTH)


def _not_paged(answer: dict) -> list[dict]:
    """Inactive owners and stewards met on the way, so the page shows who was skipped."""
    out: dict[str, dict] = {}
    for item in [answer["artifact"], *answer["upstream"]]:
        for role, p in [("primary owner", item.get("owner"))] + [("steward", s) for s in item.get("stewards") or []]:
            if p and not p.get("active", True):
                entry = out.setdefault(p["id"], {"person": p, "of": []})
                entry["of"].append(f"{role} of {item['uid']}")
    return sorted(out.values(), key=lambda e: e["person"]["id"])


@bp.get("/artifact", endpoint="artifact_by_query")
@bp.get("/artifact/<path:uid>")
def artifact(uid: str | None = None):
    uid = _query_uid(uid)
    store = get_store()
    card = artifacts.show(store, uid)
    chosen = optional_arg("version") or (split_version_uid(card["latest_version"])[1] if card["latest_version"] else None)
    detail = provenance.version(store, uid, chosen) if chosen else None
    past = history.history(store, uid)
    diff = compare.compare(store, detail["uid"], detail["previous"]) if detail and detail["previous"] else None
    graph = None
    if detail:
        near = overview.summaries(store, [r["artifact"] for r in detail["parents"] + detail["children"]])
        around = page_graphs.neighbour_versions(card, detail)
        if overview_for(1 + len(around)):
            flags = path_flags.flags_by_artifact(store, around)
            graph = page_graphs.neighbour_overview(card, detail, near, flags, artifact_url)
        else:
            graph = page_graphs.neighbour_graph(card, detail, near, artifact_url, node_cap())
    return render_template("artifact.html", card=card, detail=detail, history=past, diff=diff,
                           graph=graph, chosen=chosen)


@bp.get("/impact", endpoint="impact_by_query")
@bp.get("/impact/<path:uid>")
def impact(uid: str | None = None):
    uid = _query_uid(uid)
    answer = impact_service.impact(get_store(), uid, version=optional_arg("version"),
                                   depth=int_arg("depth", None, 1, incident_service.MAX_DEPTH))
    card = artifacts.show(get_store(), uid)
    items = [i for g in answer["groups"] for i in g["artifacts"]]
    centre = {"uid": uid, "kind": card["kind"], "owner": card["owner"], "stewards": card["stewards"],
              "team": card["team"], "flags": []}
    if overview_for(1 + len(items)):
        flags = path_flags.flags_by_artifact(get_store(), {i["uid"]: i["versions"] for i in items},
                                             owners={i["uid"]: i for i in items})
        items = [dict(i, flags=flags.get(i["uid"], [])) for i in items]
        graph = graph_overview.lineage_overview(centre, items, answer["edges"], upstream=False,
                                                url_for_uid=artifact_url)
    else:
        graph = graphview.lineage_graph(centre, items, answer["edges"], upstream=False, url_for_uid=artifact_url,
                                        cap=node_cap())
    return render_template("impact.html", a=answer, card=card, graph=graph, uid=uid,
                           form={"version": optional_arg("version") or "", "depth": request.args.get("depth") or ""},
                           max_depth=incident_service.MAX_DEPTH)


@bp.get("/hotspots")
def hotspots():
    kind, team = optional_arg("kind"), optional_arg("team")
    limit = int_arg("limit", 50, 1, 500)
    store = get_store()
    answer = hotspot_cache.cached_hotspots(store, limit=limit, kind=kind, team=team)
    top = answer["artifacts"][:10]
    deps = hotspot_cache.cached_dependents(store, [r["uid"] for r in top], per_artifact=8)
    graph = page_graphs.hotspot_graph(top, deps, artifact_url, node_cap())
    return render_template("hotspots.html", a=answer, graph=graph, kinds=KINDS,
                           form={"kind": kind or "", "team": team or "", "limit": limit})


@bp.get("/team/<team_id>")
def team(team_id: str):
    return render_template("team.html", t=people.team(get_store(), team_id))


@bp.get("/person/<person_id>")
def person(person_id: str):
    return render_template("person.html", p=people.person(get_store(), person_id))
