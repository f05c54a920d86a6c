"""``ownergraph hotspots``, ``history`` and ``compare``: the analyst's commands.

Errors are the services' own (``BadParameter`` exits 2, ``NotFound`` exits 1), mapped
by the ``cli`` group, so the terminal and the API say the same thing.
"""

from __future__ import annotations

import json

import click

from . import render_analysis
from .context import Ctx


@click.command()
@click.option("--limit", type=int, default=20, show_default=True, help="Rows to show (1-500).")
@click.option("--kind", default=None, help="Only artifacts of this kind.")
@click.option("--team", default=None, help="Only artifacts this team is accountable for.")
@click.option("--people", is_flag=True, help="Rank people by what they alone own (bus factor).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (artifacts and people).")
@click.pass_obj
def hotspots(obj: Ctx, limit, kind, team, people, as_json):
    """Artifacts ranked by risk: how much depends on them x ownership and metadata gaps."""
    from graph_model.services import hotspots as service
    with obj.store() as store:
        answer = service.hotspots(store, limit=limit, kind=kind, team=team)
    if as_json:
        click.echo(json.dumps(answer, indent=2))
    else:
        click.echo(render_analysis.people_hotspots(answer) if people else render_analysis.hotspots(answer))


@click.command()
@click.argument("uid")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def history(obj: Ctx, uid, as_json):
    """An artifact's versions, ownership changes over time and audit events."""
    from graph_model.services import history as service
    with obj.store() as store:
        answer = service.history(store, uid)
    click.echo(json.dumps(answer, indent=2) if as_json else render_analysis.history(answer))


@click.command()
@click.argument("a")
@click.argument("b", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def compare(obj: Ctx, a, b, as_json):
    """What differs between version A and version B (default: the one before A).

    Versions are named uid@version, e.g. models/churn@2.
    """
    from graph_model.services import compare as service
    with obj.store() as store:
        answer = service.compare(store, a, b)
    click.echo(json.dumps(answer, indent=2) if as_json else render_analysis.compare(answer))
