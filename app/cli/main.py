"""The ``ownergraph`` command: demo, serve, ingest, show, audit; the responder's and the
analyst's commands come from their own modules and are added here.

Exit codes are mapped in one place (``context.ErrorMappingGroup``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from graph_model.errors import StoreUnavailable
from graph_model.store import StoreConfig, open_recovering, open_store, where

from . import access, analysis, governance, importers, incident, render, serving
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
    """Load a manifest (YAML or JSON) through the audited write path (as cli:<os user>)."""
    from graph_model.ingest import manifest, parse
    draft = parse.read_file(file)
    with obj.store() as store:
        summary = manifest.ingest(store, draft, actor=access.cli_actor())
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
@click.option("--checkpoint", "checkpoint_file", type=click.Path(dir_okay=False), default=None,
              help="A file written by `audit checkpoint`: also fail unless the log still extends it.")
@click.option("--state", "state", is_flag=True,
              help="Also check that the graph holds exactly the changes the events record.")
@click.pass_obj
def audit_verify(obj: Ctx, checkpoint_file, state):
    """Recompute the hash chain; exit 1 at the first event that does not match."""
    from graph_model.services import audit as audit_service
    from graph_model.services import audit_anchor, audit_state
    cp = None
    if checkpoint_file:
        try:
            text = open(checkpoint_file, encoding="utf-8").read()
        except OSError as e:
            raise click.BadParameter(f"cannot read {checkpoint_file}: {e.strerror}", param_hint="--checkpoint")
        cp = audit_anchor.parse(text, checkpoint_file)
    with obj.store() as store:
        n = audit_anchor.verify(store, cp) if cp else audit_service.verify(store)
        click.echo(f"audit chain intact: {n} events"
                   + (f", extending the checkpoint at event {cp['seq']}" if cp else ""))
        if state:
            found = audit_state.check_state(store)
            if found:
                click.echo(f"error: the graph disagrees with the audit log in {len(found)} place(s):", err=True)
                for d in found[:200]:
                    click.echo(f"  {d}", err=True)
                if len(found) > 200:
                    click.echo(f"  ... and {len(found) - 200} more", err=True)
                sys.exit(1)
            click.echo("graph agrees with the audit log")


@audit.command("checkpoint")
@click.pass_obj
def audit_checkpoint(obj: Ctx):
    """Print the head's sequence number and hash as JSON, to keep outside the graph."""
    from graph_model.services import audit_anchor
    with obj.store() as store:
        click.echo(json.dumps(audit_anchor.checkpoint(store)))


def _open_serving_store(config: StoreConfig, store=None):
    """The store ``serve`` hands the app: it survives the engine going away (503 while
    down, reconnects by itself). Neo4j may be down when the server starts (it is then
    served with 503 until Neo4j answers); an embedded store that cannot start is an
    error (exit 3), since nothing else will start it."""
    serving_store = open_recovering(config, store)
    try:
        serving_store.ping()
    except StoreUnavailable as e:
        if config.backend != "neo4j":
            serving_store.close()
            raise
        click.echo(f"warning: {e}; serving anyway (503 until Neo4j answers)", err=True)
    return serving_store


def _serve_until_stopped(store, config: StoreConfig, host: str, port: int, settings: dict,
                         warm_up: bool = True) -> None:
    """Serve until Ctrl-C / SIGTERM; then close the store and say where the data is."""
    from .. import close_lineage_queue, create_app, warmup
    app = create_app({"OWNERGRAPH_STORE_OBJECT": store, "OWNERGRAPH_STORE_CONFIG": config,
                      **{k: v for k, v in settings.items() if v is not None}})
    if warm_up:
        _warm_up_pages(app, store, config)
    try:
        with serving.stop_signals():
            serving.serve(app, host, port)
    except serving.Stop:
        pass   # a signal while stopping: the clean-up below still runs
    finally:
        warmup.stop(app)   # no new page; one in progress ends with the store
        close_lineage_queue(app)   # its writer ends with its current unit; the rest stays queued
        store.close()   # stops the embedded server if this was its last user
        serving.restore_signals()
    click.echo(f"stopped; the data is in {where(config)}")
    serving.exit_now()


def _warm_up_pages(app, store, config: StoreConfig) -> None:
    """On Neo4j, plan the responders' pages in the background now and after every
    outage (``app.warmup``; the embedded engine's first pages are not slow enough to
    need it)."""
    from .. import warmup
    if config.backend != "neo4j":
        return
    store.on_recovered(lambda: warmup.start(app))
    if store.status()["up"]:
        warmup.start(app)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--anonymous-read", is_flag=True,
              help="Let anyone who reaches the server read without logging in (writes still need a credential).")
@click.option("--trusted-proxy-header", default=None, metavar="HEADER",
              help="Take the user from this header set by an SSO proxy (off by default; see docs/access.md).")
@click.option("--trusted-proxy", "trusted_proxies", multiple=True, metavar="ADDRESS",
              help="The proxy's address; the header is accepted only from it (default 127.0.0.1 and ::1).")
@click.option("--lineage-queue", default=None, metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path),
              help="Answer OpenLineage feeds once their checked events are on disk in DIR, and apply them "
                   "right behind (faster feeds; see docs/lineage.md). Off: answered once written.")
@click.option("--no-warm-up", is_flag=True,
              help="On Neo4j, do not render the incident pages in the background when the server starts "
                   "and after an outage (their first requests are then slow; see docs/operations.md).")
@click.pass_obj
def serve(obj: Ctx, host, port, anonymous_read, trusted_proxy_header, trusted_proxies, lineage_queue, no_warm_up):
    """Serve the dashboard and the API (without loading the demo).

    Every page and API call needs a session (``ownergraph password set``) or a token
    (``ownergraph token create``), unless --anonymous-read.
    """
    settings = {"OWNERGRAPH_ANONYMOUS_READ": anonymous_read,
                "OWNERGRAPH_LINEAGE_QUEUE": str(lineage_queue) if lineage_queue else None,
                "OWNERGRAPH_TRUSTED_PROXY_HEADER": trusted_proxy_header,
                "OWNERGRAPH_TRUSTED_PROXIES": tuple(trusted_proxies) or None}
    if trusted_proxy_header:
        click.echo(f"trusted-proxy mode: the user comes from {trusted_proxy_header} sent by "
                   f"{', '.join(settings['OWNERGRAPH_TRUSTED_PROXIES'] or ('127.0.0.1', '::1'))}; "
                   f"nothing else may reach this port", err=True)
    _serve_until_stopped(_open_serving_store(obj.config), obj.config, host, port, settings,
                         warm_up=not no_warm_up)


LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def _demo_access(store, host: str, port: int) -> dict:
    """The demo reads without login on loopback and hands out one admin token to try writes."""
    from ..access import tokens
    loopback = host in LOOPBACK_HOSTS or host.startswith("127.")
    if loopback:
        click.echo("access: anonymous reading is ON for clients on this machine (loopback) only; "
                   "changes need a token")
    else:
        click.echo(f"access: serving on {host}, not loopback: every page needs a login or a token")
    rows = store.read("first_active_person")
    if rows:
        issued = tokens.create(store, person=rows[0]["id"], team=None, scopes=["read", "write", "admin"],
                               expires_days=1, actor=access.cli_actor(),
                               name=f"demo-admin-{tokens.new_token()[3:9].lower()}")
        click.echo(f"one-time admin token for {rows[0]['id']} (expires in a day; shown only now):\n"
                   f"  {issued.token}\n"
                   f"  e.g. curl -H 'Authorization: Bearer {issued.token}' "
                   f"-H 'Content-Type: application/yaml' --data-binary @manifest.yaml "
                   f"http://{host}:{port}/api/v1/manifest")
    return {"OWNERGRAPH_ANONYMOUS_READ": "loopback" if loopback else False}


@cli.command()
@click.option("--size", default=300, show_default=True, type=click.IntRange(20, 2_000_000),
              help="About this many artifacts.")
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--chunk-artifacts", default=None, type=click.IntRange(1, 100_000),
              help="Artifacts per write unit (default: what suits the engine).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the demo and exit.")
@click.pass_obj
def demo(obj: Ctx, size, seed, chunk_artifacts, host, port, no_serve):
    """Load the demo organisation into an empty store (or finish an interrupted load),
    then serve."""
    started = time.perf_counter()
    store = open_store(obj.config)
    try:
        with serving.stop_signals():
            _load_demo(store, size, seed, chunk_artifacts)
    except serving.Stop:
        store.close()
        serving.restore_signals()
        click.echo("stopped during the demo load; run `ownergraph demo` again to finish it. "
                   f"The data is in {where(obj.config)}")
        return
    except BaseException:
        store.close()
        serving.restore_signals()
        raise
    serving.restore_signals()
    if no_serve:
        store.close()
        return
    settings = _demo_access(store, host, port)
    click.echo(f"ready after {time.perf_counter() - started:.1f} s")
    _serve_until_stopped(_open_serving_store(obj.config, store), obj.config, host, port, settings)


def _load_demo(store, size: int, seed: int, chunk_artifacts: int | None) -> None:
    from graph_model.demo import load as demo_load
    from graph_model.ingest import bulk
    chunk = chunk_artifacts or store.bulk_chunk
    found = demo_load.status(store, chunk)
    if found.state == "complete":
        click.echo(f"store holds the demo organisation ({found.artifacts} artifacts, size {found.size}, "
                   f"seed {found.seed}); not loading it again")
        return
    if found.state == "other":
        click.echo(f"store holds {found.artifacts} artifacts; not loading the demo")
        return
    if found.state == "partial":
        note = "" if (found.size, found.seed) == (size, seed) else f" (not size {size}, seed {seed})"
        click.echo(f"finishing an interrupted demo load: size {found.size}, seed {found.seed}{note}, "
                   f"{found.done} of {found.total} units were applied ...")
    else:
        found.total = demo_load.unit_count(size, seed, chunk)
        click.echo(f"loading the demo organisation (size {size}, seed {seed}) into {store.backend} ...")

    def progress(r: bulk.BulkResult) -> None:
        click.echo(f"  unit {found.done + r.chunks} of {found.total}: {r.events} changes, "
                   f"{r.seconds:.1f} s", err=True)

    result = demo_load.load(store, size=size, seed=seed, chunk_artifacts=chunk,
                            resume=found if found.state == "partial" else None, progress=progress)
    nodes, rels = bulk.graph_size(store)
    rate = (nodes + rels) / result.seconds if result.seconds else 0
    click.echo(f"loaded {nodes} nodes and {rels} relationships in {result.seconds:.1f} s "
               f"({rate:,.0f} nodes+edges/s)")


for _command in (incident.incident, incident.impact, analysis.hotspots, analysis.history,
                 analysis.compare, access.token, access.password, importers.import_group,
                 governance.check):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="ownergraph")


if __name__ == "__main__":
    main()
