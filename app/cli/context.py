"""What every command shares: the store settings, and one mapping of errors to exit codes.

Exit codes: 0 ok, 1 not found / audit chain broken / any unexpected error, 2 bad input
(every problem printed with its path), 3 store unavailable. A command never shows a
traceback: an error ownergraph did not expect prints one line (set
``OWNERGRAPH_DEBUG=1`` to see the traceback instead).
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

import click

from graph_model.errors import (AuditChainBroken, BadParameter, NotFound, OwnergraphError,
                                StoreUnavailable, ValidationFailed)
from graph_model.store import StoreConfig, open_store


class Ctx:
    """The object handed to every command (``@click.pass_obj``)."""

    def __init__(self, config: StoreConfig):
        self.config = config

    @contextmanager
    def store(self):
        store = open_store(self.config)
        try:
            yield store
        finally:
            store.close()


def fail(code: int, message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


class ErrorMappingGroup(click.Group):
    """Turns domain errors into one line on stderr and a documented exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ValidationFailed as e:
            click.echo(f"error: {len(e.problems)} problem(s); nothing was written", err=True)
            for p in e.problems:
                click.echo(f"  {p}", err=True)
            sys.exit(2)
        except BadParameter as e:
            fail(2, str(e))
        except NotFound as e:
            fail(1, str(e))
        except StoreUnavailable as e:
            fail(3, str(e))
        except AuditChainBroken as e:
            fail(1, f"audit chain broken at event {e.seq}: {e}")
        except OwnergraphError as e:
            fail(1, str(e))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException,
                SystemExit, KeyboardInterrupt):
            raise
        except Exception as e:  # noqa: BLE001 - the one place an unexpected error is shown
            if os.environ.get("OWNERGRAPH_DEBUG") == "1":
                raise
            fail(1, f"unexpected {type(e).__name__}: {_one_line(e)} "
                    f"(set OWNERGRAPH_DEBUG=1 for the traceback)")


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text[:300] + ("..." if len(text) > 300 else "")
