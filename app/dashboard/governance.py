"""Governance on the dashboard: the /governance page (coverage per rule, team and kind,
violations with their owners, coverage over time) and the recorded reviews of an artifact
(artifact page).

The chart is drawn here as an SVG polyline (no chart library, no script): one point per
recorded check run (``check_history``), coverage on the y axis from 0 to 100 %.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from graph_model.schema import Kind
from graph_model.services import check_history, checks, policy, recorded_reviews

from ..storage import get_store

bp = Blueprint("governance", __name__)

REVIEWS_SHOWN = 20
VIOLATIONS_SHOWN = 500
CHART_W, CHART_H, PAD = 640, 180, 28


@bp.app_template_global()
def recorded_reviews_of(uid: str) -> list[dict]:
    """The newest reviews recorded on ``uid``, for the artifact page."""
    return recorded_reviews.of_artifact(get_store(), uid, limit=REVIEWS_SHOWN)


def chart(runs: list[dict]) -> dict:
    """Points of the coverage-over-time chart (SVG user units), with their labels."""
    pts = [r for r in runs if r["coverage"] is not None]
    n = len(pts)
    out = []
    for i, r in enumerate(pts):
        x = PAD + (CHART_W - 2 * PAD) * (i / (n - 1) if n > 1 else 0.5)
        y = PAD + (CHART_H - 2 * PAD) * (1 - r["coverage"])
        out.append({"x": round(x, 1), "y": round(y, 1), "at": r["at"], "coverage": r["coverage"],
                    "errors": r["errors"], "seq": r["seq"]})
    return {"w": CHART_W, "h": CHART_H, "pad": PAD, "points": out,
            "polyline": " ".join(f"{p['x']},{p['y']}" for p in out)}


def _text(name: str) -> str | None:
    return (request.args.get(name) or "").strip() or None


@bp.get("/governance")
def page():
    store = get_store()
    form = {k: _text(k) for k in ("kind", "team", "namespace")}
    answer = checks.evaluate(store, policy.active(), **form)
    runs = check_history.history(store)
    return render_template("governance.html", a=answer, runs=runs, chart=chart(runs),
                           violations=answer["violations"][:VIOLATIONS_SHOWN],
                           kinds=[k.value for k in Kind], form={k: v or "" for k, v in form.items()})
