"""The ``ownergraph`` command: demo, serve, ingest, show, audit; the responder's and the
analyst's commands come from their own modules and are added here.

Exit codes are mapped in one place (``context.ErrorMappingGroup``).
"""

from __future__ import annotations

import json
import signal
import time

import click

from graph_model.store import StoreConfig

from . import analysis, importers, incident, render
from .context import Ctx, ErrorMappingGroup


@click.group(cls=ErrorMappingGroup)
@click.option("--store", "backend", type=click.Choice(["falkordb", "neo4j"]), default=None,
              help="Graph store (env OWNERGRAPH_STORE; default falkordb, embedded).")
@click.option("--home", type=click.Path(file_okay=False), default=None,
              help="Data directory of the embedded store (env OWNERGRAPH_HOME; default ./.ownergraph).")
@click.option("--neo4j-uri", default=None, help="bolt:// or neo4j:// URI (env NEO4J_URI).")
@click.option("--neo4j-user", default=None, help="env NEO4J_USER (default neo4j).")
@click.option("--neo4j-password", default=None, help="env NEO4J_PASSWORD.")
@click.pass_context
def cli(ctx, backend, home, neo4j_uri, neo4j_user, neo4j_password):
    """ownergraph: who owns what upstream of a failing ML artifact."""
    ctx.obj = Ctx(StoreConfig.from_env(backend=backend, home=home, neo4j_uri=neo4j_uri,
                                       neo4j_user=neo4j_user, neo4j_password=neo4j_password))


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def ingest(obj: Ctx, file):
    """Load a manifest (YAML or JSON) through the audited write path."""
    from graph_model.ingest import manifest, parse
    draft = parse.read_file(file)
    with obj.store() as store:
        summary = manifest.ingest(store, draft)
    if not summary.changed:
        click.echo("no changes")
        return
    click.echo(f"{summary.events} change(s) recorded (audit events {summary.first_seq}-{summary.last_seq})")
    for action, n in sorted(summary.counts.items()):
        click.echo(f"  {action:<22} {n}")


@cli.command()
@click.argument("uid")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show(obj: Ctx, uid, as_json):
    """Print an artifact: owners, team, versions, lineage, links."""
    from graph_model.services import artifacts
    with obj.store() as store:
        card = artifacts.show(store, uid)
    click.echo(json.dumps(card, indent=2) if as_json else render.artifact_card(card))


@cli.group()
def audit():
    """The tamper-evident audit log."""


@audit.command("verify")
@click.pass_obj
def audit_verify(obj: Ctx):
    """Recompute the hash chain; exit 1 at the first event that does not match."""
    from graph_model.services import audit as audit_service
    with obj.store() as store:
        n = audit_service.verify(store)
    click.echo(f"audit chain intact: {n} events")


def _stop_on_term(signum, frame) -> None:
    """Ctrl-C and SIGTERM (docker stop, a service manager) end the server the same way,
    so the embedded store is released and stopped cleanly."""
    raise KeyboardInterrupt


def _serve(app, host: str, port: int) -> None:
    from waitress import serve as waitress_serve
    signal.signal(signal.SIGTERM, _stop_on_term)
    signal.signal(signal.SIGINT, _stop_on_term)  # also when started with SIGINT ignored
    click.echo(f"serving on http://{host}:{port}  (Ctrl-C stops)")
    try:
        waitress_serve(app, host=host, port=port, threads=8, _quiet=True)
    except KeyboardInterrupt:
        pass


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_obj
def serve(obj: Ctx, host, port):
    """Serve the dashboard and the API (without loading the demo)."""
    from .. import create_app
    with obj.store() as store:
        _serve(create_app({"OWNERGRAPH_STORE_OBJECT": store, "OWNERGRAPH_STORE_CONFIG": obj.config}),
               host, port)


@cli.command()
@click.option("--size", default=300, show_default=True, type=click.IntRange(20, 2_000_000),
              help="About this many artifacts.")
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the demo and exit.")
@click.pass_obj
def demo(obj: Ctx, size, seed, host, port, no_serve):
    """Load the demo organisation into an empty store, then serve."""
    from graph_model import demo as demo_org
    from graph_model.ingest import bulk
    from .. import create_app
    started = time.perf_counter()
    with obj.store() as store:
        present = store.read("count_artifacts")[0]["n"]
        if present:
            click.echo(f"store holds {present} artifacts; not loading the demo")
        else:
            click.echo(f"loading the demo organisation (size {size}, seed {seed}) into {store.backend} ...")

            def progress(r: bulk.BulkResult) -> None:
                click.echo(f"  chunk {r.chunks}: {r.events} changes, {r.seconds:.1f} s", err=True)

            result = bulk.ingest_chunks(store, demo_org.iter_demo_chunks(size=size, seed=seed, chunk_artifacts=store.bulk_chunk),
                                        actor="demo", progress=progress)
            nodes, rels = bulk.graph_size(store)
            rate = (nodes + rels) / result.seconds if result.seconds else 0
            click.echo(f"loaded {nodes} nodes and {rels} relationships in {result.seconds:.1f} s "
                       f"({rate:,.0f} nodes+edges/s)")
        if no_serve:
            return
        click.echo(f"ready after {time.perf_counter() - started:.1f} s")
        _serve(create_app({"OWNERGRAPH_STORE_OBJECT": store, "OWNERGRAPH_STORE_CONFIG": obj.config}),
               host, port)


for _command in (incident.incident, incident.impact, analysis.hotspots, analysis.history,
                 analysis.compare, importers.import_group):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="ownergraph")


if __name__ == "__main__":
    main()
