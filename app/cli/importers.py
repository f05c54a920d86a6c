"""``ownergraph import SOURCE ...``: bring in what CODEOWNERS, git, Backstage and MLflow
already know, through the one audited write path (``graph_model.importers``).

Every subcommand takes ``--dry-run`` (print the change plan, write nothing) and
``--skip-invalid`` (leave out entries that cannot be mapped, and list them; without it
they are an error, exit 2, and nothing is written). The audit actor is
``import:<source> by cli:<os user>``. A progress bar is drawn on stderr when it is a
terminal (rich); output meant for scripts stays plain.
"""

from __future__ import annotations

import sys
from typing import Iterable, TypeVar

import click

from graph_model.importers import common

from .context import Ctx

T = TypeVar("T")
SHOWN = 200  # change lines printed; the counts always cover everything


def progress(items: Iterable[T], total: int | None = None, label: str = "") -> Iterable[T]:
    """A rich progress bar on stderr when it is a terminal, else the items as they are."""
    if not sys.stderr.isatty():
        yield from items
        return
    from rich.console import Console
    from rich.progress import Progress
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label or "reading", total=total)
        for item in items:
            yield item
            bar.advance(task)


def report(outcome: common.Outcome) -> None:
    """The change plan (dry run) or what was written, then skipped entries and notes."""
    created, changed = outcome.created, outcome.changed
    if outcome.dry_run:
        click.echo("dry run: nothing was written")
        click.echo(f"plan: {len(created)} to create, {len(changed)} to change, "
                   f"{len(outcome.left_alone)} left alone")
    elif not outcome.changes:
        click.echo("no changes")
    else:
        s = outcome.summary
        click.echo(f"{s.events} change(s) recorded (audit events {s.first_seq}-{s.last_seq}): "
                   f"{len(created)} created, {len(changed)} changed, {len(outcome.left_alone)} left alone")
    for word, group in (("create", created), ("change", changed)):
        for c in group[:SHOWN]:
            click.echo(f"  {word:<7} {c.action:<24} {c.target}")
        if len(group) > SHOWN:
            click.echo(f"  ... {len(group) - SHOWN} more to {word}")
    if outcome.dry_run and outcome.left_alone:
        shown = outcome.left_alone[:SHOWN]
        for t in shown:
            click.echo(f"  same    {t}")
        if len(outcome.left_alone) > SHOWN:
            click.echo(f"  ... {len(outcome.left_alone) - SHOWN} more left alone")
    if outcome.skipped:
        click.echo(f"skipped {len(outcome.skipped)} entr{'y' if len(outcome.skipped) == 1 else 'ies'} "
                   f"that cannot be mapped:")
        for p in outcome.skipped:
            click.echo(f"  {p}")
    for note in outcome.notes:
        click.echo(f"note: {note}")


def _options(f):
    f = click.option("--skip-invalid", is_flag=True,
                     help="Leave out entries that cannot be mapped (listed) instead of failing.")(f)
    return click.option("--dry-run", is_flag=True, help="Print the change plan; write nothing.")(f)


def _run(obj: Ctx, store, mapped: common.Mapped, dry_run: bool, skip_invalid: bool) -> None:
    report(common.run(store, mapped, dry_run=dry_run, skip_invalid=skip_invalid,
                      actor=common.actor_for(mapped.source)))


@click.group("import")
def import_group():
    """Import ownership and provenance from CODEOWNERS, git, Backstage or MLflow."""


@import_group.command("codeowners")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--repo", required=True, help="URL of the repository the file belongs to.")
@_options
@click.pass_obj
def codeowners_cmd(obj: Ctx, file, repo, dry_run, skip_invalid):
    """Declare owners of artifacts whose source is in REPO, from a CODEOWNERS FILE."""
    from graph_model.importers import codeowners_file
    from graph_model.schema import REPO_SCHEMES, url_problem
    problem = url_problem(repo, "--repo", REPO_SCHEMES, scp=True)
    if problem:
        raise click.BadParameter(problem, param_hint="--repo")
    text = codeowners_file.read(file)
    with obj.store() as store:
        _run(obj, store, codeowners_file.map_file(text, file, repo, store.read), dry_run, skip_invalid)


@import_group.command("git")
@click.argument("path", type=click.Path(file_okay=False))
@click.option("--since", default=None, help="ISO-8601 date or time: only commits since then.")
@click.option("--repo", default=None, help="The repository's URL as artifacts' source names it "
                                           "(default: the 'origin' remote).")
@_options
@click.pass_obj
def git_cmd(obj: Ctx, path, since, repo, dry_run, skip_invalid):
    """Fill commit details and record which commits changed each artifact's code."""
    from graph_model.importers import git_repo
    from ..params import parse_instant
    after = parse_instant("since", since)
    with obj.store() as store:
        mapped = git_repo.map_repo(path, store.read, repo_url=repo, since=after, progress=progress)
        _run(obj, store, mapped, dry_run, skip_invalid)


@import_group.command("backstage")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_options
@click.pass_obj
def backstage_cmd(obj: Ctx, files, dry_run, skip_invalid):
    """People, teams, artifacts, lineage and owners from Backstage catalog FILES."""
    from graph_model.importers import backstage
    with obj.store() as store:
        _run(obj, store, backstage.map_files(list(files), store.read), dry_run, skip_invalid)


@import_group.command("mlflow")
@click.option("--tracking-uri", required=True, help="MLflow tracking URI (sqlite:///..., postgresql://..., http://...).")
@click.option("--registry-uri", default=None, help="Model registry URI (default: the tracking URI).")
@click.option("--since", default=None, help="ISO-8601 date or time: runs since then (default: since the last import).")
@_options
@click.pass_obj
def mlflow_cmd(obj: Ctx, tracking_uri, registry_uri, since, dry_run, skip_invalid):
    """Experiments, runs, registered models and versions from an MLflow store (extra [mlflow])."""
    from graph_model.importers import mlflow_store
    from ..params import parse_instant
    after = parse_instant("since", since)
    with obj.store() as store:
        mapped = mlflow_store.map_store(tracking_uri, store.read, registry_uri=registry_uri, since=after,
                                        progress=progress)
        _run(obj, store, mapped, dry_run, skip_invalid)
