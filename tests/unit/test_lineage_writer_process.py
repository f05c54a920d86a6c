"""The lineage queue's writer process on its own: what its outcomes become in the web
process, and a child that dies in the middle of a unit (real processes and pipes; the
child's store is a stand-in here, the stores themselves are in the contract suite)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from graph_model.errors import PermissionDenied, Problem, StoreUnavailable, ValidationFailed, WriteFailed
from graph_model.ingest import ol_writer_process as wp


@pytest.mark.parametrize("error", [
    ValidationFailed([Problem("run.runId", "refused by the planner"), Problem("job", "no name")]),
    PermissionDenied("not yours", [Problem("outputs[0]", "owned by another team")]),
    WriteFailed("the engine refused the write"),
    StoreUnavailable("the engine is away"),
])
def test_an_outcome_in_the_child_is_raised_in_the_web_process_with_its_type_and_paths(error):
    with pytest.raises(type(error)) as raised:
        wp._raise_or_return(wp._error(error))
    assert str(raised.value) == str(error)
    assert getattr(raised.value, "problems", None) == getattr(error, "problems", None)


def test_an_unexpected_error_is_a_refusal_that_names_it():
    with pytest.raises(RuntimeError, match="KeyError"):
        wp._raise_or_return(wp._error(KeyError("x")))


class _DiesOnWrite:
    """A store whose write ends the process at once, as ``kill -9`` during a unit would."""
    backend = "falkordb"

    def write_unit(self, planner):
        os._exit(9)

    def close(self):
        pass


@dataclass(frozen=True)
class _DyingRecipe(wp.Recipe):
    def open(self):
        return _DiesOnWrite()


def test_a_child_that_dies_during_a_unit_is_a_store_away_and_a_new_one_takes_the_next():
    from tests.lineage_corpus import corpus
    from graph_model.ingest import ol_events
    events = ol_events.events(corpus()[0], batch=False)
    process = wp.WriterProcess(_DyingRecipe("dying", ()))
    try:
        with pytest.raises(StoreUnavailable, match="writer process stopped"):
            process(events, "feed", "a unit")
        assert process.pid is None            # the dead child is forgotten ...
        with pytest.raises(StoreUnavailable):
            process(events, "feed", "a unit")  # ... and a new one is started for the next try
    finally:
        process.close()


@dataclass(frozen=True)
class _AwayRecipe(wp.Recipe):
    def open(self):
        raise StoreUnavailable("the engine at the socket does not answer")


def test_a_store_that_cannot_be_opened_keeps_the_unit_queued():
    process = wp.WriterProcess(_AwayRecipe("away", ()))
    try:
        with pytest.raises(StoreUnavailable, match="does not answer"):
            process([], "feed", "a unit")
        assert process.pid is None
    finally:
        process.close()
