"""Neo4j transactions that are left alone once the engine has failed them.

Why: when a statement fails, the driver acknowledges the failure with a reset (the server
has then rolled the transaction back) and hands the connection back to its pool at once,
yet its transaction object keeps that connection, and a rollback or close afterwards
(what a managed transaction function does on any error) probes it while another thread
may already be using it. Seen with 4 threads writing at once: the close re-read the
failed result and raised ``ResultFailedError`` over the real error (one round in 12-40),
and two threads probing one socket at once left a reader blocked on it for good.

So a transaction here is rolled back only when our own code failed it, while the
connection is still its own; after an engine or connection error it is dropped. Writes
are retried on the errors the engine marks retryable (deadlocks, a leader that moved),
as the driver's managed transactions do, for as long as the store's
``max_transaction_retry_time`` allows (the driver's default, 30 s, unless set).
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterator

import neo4j
from neo4j.exceptions import DriverError, Neo4jError

#: how long retryable failures are retried unless told (the driver's own default)
RETRY_SECONDS = 30.0


class EngineFailed(Exception):
    """Raised by a unit of work over an engine error it caught and answered: the
    transaction is failed already, so it is not rolled back again."""


ENGINE_ERRORS = (Neo4jError, DriverError, EngineFailed)


def leave(tx: neo4j.Transaction, error: BaseException | None) -> None:
    """End ``tx`` after ``error`` (None: the work ended early on purpose, say a capped
    read): roll it back when the connection is still its own, else leave it."""
    if _engine_failed(error):
        return
    try:
        tx.rollback()
    except (Neo4jError, DriverError):
        pass   # the connection failed while rolling back: the server ends the transaction


def _engine_failed(error: BaseException | None) -> bool:
    """Whether ``error``, or one it was raised over (a planner that wrapped a failed
    read), is the engine's or the connection's."""
    seen = 0
    while error is not None and seen < 20:
        if isinstance(error, ENGINE_ERRORS):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def run(open_session: Callable[[], neo4j.Session], work: Callable[[neo4j.Transaction], Any],
        retry_seconds: float = RETRY_SECONDS) -> Any:
    """``work`` in one transaction, committed when it returns, retried (planned again)
    while the engine calls the failure retryable."""
    delays = _delays()
    give_up = None
    while True:
        try:
            with open_session() as session:
                tx = session.begin_transaction()
                try:
                    result = work(tx)
                except BaseException as e:
                    leave(tx, e)
                    raise
                tx.commit()
                return result
        except (Neo4jError, DriverError) as e:
            if not e.is_retryable():
                raise
            now = time.monotonic()
            give_up = give_up or now + retry_seconds
            if now >= give_up:
                raise
            time.sleep(next(delays))


def _delays() -> Iterator[float]:
    delay = 0.05
    while True:
        yield delay
        delay = min(delay * 2, 2.0)
