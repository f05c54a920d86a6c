"""``ownergraph token ...`` and ``ownergraph password set``: the operator issues credentials.

These work on the store directly (the operator's path, like ``ingest``) and are audited
as ``cli:<os user>``. A token is printed once, alone on stdout, so it can be piped into
a secret store; everything else goes to stderr.
"""

from __future__ import annotations

import sys

import click

from graph_model.schema import from_epoch_ms
from graph_model.services import write_path

from .context import Ctx


def cli_actor() -> str:
    """The audit actor of every change made from the command line."""
    return f"cli:{write_path.default_actor()}"


@click.group()
def token():
    """API tokens (sent as Authorization: Bearer <token>)."""


@token.command("create")
@click.option("--person", default=None, help="The person the token acts for.")
@click.option("--team", default=None, help="A team, for a service token (CI, feeds).")
@click.option("--scope", "scope_text", required=True,
              help="Comma-separated: read, write, lineage, admin (admin makes the person an admin).")
@click.option("--expires", "expires_days", type=int, default=None, help="Days until it expires (default: never).")
@click.option("--name", default=None, help="A unique name (default: <owner>-<random>).")
@click.pass_obj
def token_create(obj: Ctx, person, team, scope_text, expires_days, name):
    """Issue a token; it is printed once, alone on stdout, and stored only hashed."""
    from ..access import tokens
    scopes = tokens.parse_scopes(scope_text)
    with obj.store() as store:
        issued = tokens.create(store, person=person, team=team, scopes=scopes, name=name,
                               expires_days=expires_days, actor=cli_actor())
    expiry = from_epoch_ms(issued.expires_at) if issued.expires_at else "never"
    click.echo(f"token {issued.name} ({','.join(issued.scopes)}, expires {expiry}); "
               f"it is shown only this once", err=True)
    click.echo(issued.token)


@token.command("list")
@click.pass_obj
def token_list(obj: Ctx):
    """Every token by name, prefix, owner, scopes, expiry and last use (never the secret)."""
    from ..access import tokens
    with obj.store() as store:
        rows = tokens.listing(store)
    if not rows:
        click.echo("no tokens")
        return
    click.echo(f"{'NAME':<24} {'PREFIX':<12} {'OWNER':<22} {'SCOPES':<24} {'EXPIRES':<21} {'LAST USE':<21} STATE")
    for r in rows:
        owner = f"person:{r['person']}" if r["person"] else f"team:{r['team']}"
        state = "revoked" if r["revoked_at"] is not None else "active"
        click.echo(f"{r['name']:<24} {r['prefix']:<12} {owner:<22} {','.join(r['scopes'] or []):<24} "
                   f"{_when(r['expires_at'], 'never'):<21} {_when(r['last_used_at'], 'never used'):<21} {state}")


def _when(ms, empty: str) -> str:
    return from_epoch_ms(ms)[:19] + "Z" if ms is not None else empty


@token.command("revoke")
@click.argument("name")
@click.pass_obj
def token_revoke(obj: Ctx, name):
    """Revoke a token by name; the next request with it gets 401."""
    from ..access import tokens
    with obj.store() as store:
        tokens.revoke(store, name, actor=cli_actor())
    click.echo(f"token {name} revoked")


@click.group()
def password():
    """Dashboard passwords."""


@password.command("set")
@click.argument("person_id")
@click.pass_obj
def password_set(obj: Ctx, person_id):
    """Set PERSON_ID's dashboard password, read from stdin (hashed with argon2id)."""
    from ..access import passwords
    if sys.stdin.isatty():
        text = click.prompt("password", hide_input=True, confirmation_prompt=True, err=True)
    else:
        text = sys.stdin.readline().rstrip("\r\n")
    with obj.store() as store:
        passwords.set_password(store, person_id, text, actor=cli_actor(), home=obj.config.home)
    click.echo(f"password set for {person_id}")
