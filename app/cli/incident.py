"""``ownergraph incident`` and ``ownergraph impact``: the responder's commands."""

from __future__ import annotations

import json

import click

from . import render_incident
from .context import Ctx
from ..params import parse_instant


@click.command()
@click.argument("uid")
@click.option("--version", default=None, help="Start at this version (default: newest as of the time).")
@click.option("--depth", type=int, default=None, help="Hops upstream (default 10, at most 50).")
@click.option("--as-of", "as_of", default=None, help="ISO-8601 time: ownership as it was then.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def incident(obj: Ctx, uid, version, depth, as_of, as_json):
    """Upstream owners of a failing artifact and whom to page, in order."""
    from graph_model.services import incident as service
    at = parse_instant("as-of", as_of)
    with obj.store() as store:
        answer = service.incident(store, uid, version=version, depth=depth, as_of=at)
    click.echo(json.dumps(answer, indent=2) if as_json else render_incident.incident(answer))


@click.command()
@click.argument("uid")
@click.option("--version", default=None, help="Start at this version (default: every version).")
@click.option("--depth", type=int, default=None, help="Hops downstream (default 10, at most 50).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def impact(obj: Ctx, uid, version, depth, as_json):
    """What depends on an artifact, downstream, and whom to notify."""
    from graph_model.services import impact as service
    with obj.store() as store:
        answer = service.impact(store, uid, version=version, depth=depth)
    click.echo(json.dumps(answer, indent=2) if as_json else render_incident.impact(answer))
