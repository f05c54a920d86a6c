"""Running the web server from the command line, and stopping it promptly.

Ctrl-C (SIGINT) and SIGTERM (docker stop, a service manager) stop the server the same
way: stop serving, give requests in flight a moment, close the store (which stops the
embedded server when this was its last user), say where the data is, exit 0.

Why not waitress's own stop: it waits up to 5 s for every worker thread, and then the
store close waits for queries still running, so a SIGTERM during a long console query
took 7.5 s to end the process (measured). A request still running after the grace
period cannot be answered anyway (the answers are written by the loop that has
stopped); its thread is a daemon and ends with the process. A second Ctrl-C while
stopping ends the process at once.

Why the serving loop polls a flag instead of letting ``Stop`` unwind it: waitress's
connection handlers catch every exception, BaseException included, log it as
"uncaptured" and close that connection. A signal that landed while the loop was inside
one of them was swallowed and the server went on serving after SIGTERM (seen in CI: the
process had to be killed). So while serving, the handler only notes the signal; the loop
runs one poll at a time and stops at the next turn (at most ``LOOP_TICK_S`` later).
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager

import click

#: seconds a request in flight may still finish after the stop signal
STOP_GRACE_S = 1.0
#: longest wait of one turn of the serving loop, so the latest a noted signal is acted on
LOOP_TICK_S = 0.2


class Stop(BaseException):
    """Raised by the signal handler outside the serving loop (a demo load, the clean-up);
    a BaseException so that a driver's retry does not mistake it for an error to handle."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_stop(signum, frame) -> None:
    raise Stop(signum)


def _force_exit(signum, frame) -> None:
    os.write(2, b"stopped at once (second signal); the store may need a moment at next start\n")
    os._exit(1)


@contextmanager
def stop_signals():
    """Within: SIGINT and SIGTERM raise ``Stop``. On the way out, a second signal exits
    at once (so a user is never stuck waiting for the clean-up)."""
    old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for s in old:
        signal.signal(s, _raise_stop)
    try:
        yield
    finally:
        for s in old:
            signal.signal(s, _force_exit)


def restore_signals() -> None:
    """Default handlers again (after the store is closed)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def exit_now(code: int = 0) -> None:
    """End the process now that the store is closed.

    Why not a normal exit: the interpreter's finalisation then waited another 2 s for
    request threads that were cut off mid-answer (measured). Nothing is left to clean
    up: the store is closed and the app's own exit hook only closes a store it opened.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def serve(app, host: str, port: int, threads: int = 8) -> str:
    """Serve ``app`` until a stop signal; returns the signal's name.

    Call inside ``stop_signals()``: its handlers are back in place when this returns, so a
    signal during the clean-up that follows still raises ``Stop`` (and a further one
    exits at once).
    """
    from waitress import create_server
    server = create_server(app, host=host, port=port, threads=threads)
    received: list[int] = []
    noting = lambda signum, frame: received.append(signum)  # noqa: E731 -- acted on by the loop
    previous = {s: signal.signal(s, noting) for s in (signal.SIGINT, signal.SIGTERM)}
    click.echo(f"serving on http://{host}:{port}  (Ctrl-C stops)")
    sys.stdout.flush()
    try:
        while not received and server._map:   # the map holds the listener while serving
            server.asyncore.loop(timeout=LOOP_TICK_S, map=server._map,
                                 use_poll=server.adj.asyncore_use_poll, count=1)
        if not received:
            return "stopped"
        name = signal.Signals(received[0]).name
        click.echo(f"stopping ({name}) ...", err=True)
        return name
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        # Requests in flight get a moment; the sockets close with the process (closing
        # them here made late worker threads log tracebacks about a closed trigger).
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=STOP_GRACE_S)
