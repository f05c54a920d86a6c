"""The lineage queue's writer plans the next unit while one commits (``ol_ahead``), on
both engines: the graph and the audit chain are those of the units applied in turn; a
plan made ahead is used only while nothing was written in between, and a unit that
needs reads the early one did not take is planned at its turn."""

from __future__ import annotations

import copy
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import pytest

from graph_model.ingest import manifest, ol_ahead, ol_events, ol_writer_process, openlineage, parse
from graph_model.services import audit
from tests.contract.test_lineage import fingerprint
from tests.lineage_corpus import MANIFEST, corpus


def _unowned(event: dict) -> dict:
    """``event`` without its ownership facets (on its job and datasets)."""
    event = copy.deepcopy(event)
    for node in [event.get("job") or {}, *event.get("inputs", []), *event.get("outputs", [])]:
        (node.get("facets") or {}).pop("ownership", None)
    return event


def _units(size: int = 3, owned: bool = True) -> list[tuple]:
    events = corpus() if owned else [_unowned(e) for e in corpus()]
    return [("apply", ol_events.events(events[i:i + size], batch=True), "pipeline-bot", f"unit {i // size}")
            for i in range(0, len(events), size)]


def _owned(message: tuple) -> bool:
    return any("ownership" in n.facets for e in message[1]
               for n in ([e.job] if e.job else []) + ([e.dataset] if e.dataset else []) + e.inputs + e.outputs)


def _overlapped(store, messages: list[tuple], between=lambda i: None) -> list[bool]:
    """Apply ``messages`` as the writer process does; ``between(i)`` runs after unit i
    committed. Returns, per unit, whether the plan made ahead was the one written."""
    inbox = deque(messages[1:])
    take_next = lambda: inbox.popleft() if inbox else None   # noqa: E731
    message, ahead, used = messages[0], None, []
    with ThreadPoolExecutor(max_workers=1) as pool:
        while message is not None:
            planned_ahead, nxt, error = ol_ahead.apply(pool, store, message[1], message[2], message[3], ahead,
                                                       take_next)
            assert error is None, error
            used.append(planned_ahead)
            between(len(used) - 1)
            message, ahead = (nxt.message, nxt.ahead) if nxt is not None else (take_next(), None)
    return used


def _in_turn(store, messages: list[tuple], between=lambda i: None) -> None:
    for i, (_, events, actor, reason) in enumerate(messages):
        openlineage.apply_queued(store, events, actor, reason)
        between(i)


def _fresh(store) -> None:
    store.clear()
    store.ensure_schema()
    manifest.ingest(store, parse.validate(MANIFEST), actor="tester")


def _outcome(store) -> tuple:
    return fingerprint(store), int(store.read("audit_head")[0]["seq"]), audit.verify(store)


def through_writer_process(store, messages: list[tuple], outcome) -> int:
    """Send ``messages`` together to a real writer process on a fresh store; assert the
    ``outcome`` is that of the units applied in turn; return the units it planned ahead."""
    _fresh(store)
    _in_turn(store, messages)
    expected = outcome(store)
    _fresh(store)
    process = ol_writer_process.WriterProcess(ol_writer_process.recipe_for(store=store))
    try:
        tickets = [process.submit(events, actor, reason) for _, events, actor, reason in messages]
        for ticket in tickets:
            ticket.result()
    finally:
        process.close()
    assert outcome(store) == expected
    return process.planned_ahead


@pytest.mark.parametrize("owned", [False, True], ids=["plain", "with-ownership-facets"])
def test_units_planned_ahead_give_the_graph_and_audit_of_units_in_turn(store, owned):
    messages = _units(owned=owned)
    assert all(_owned(m) == owned for m in messages)
    _fresh(store)
    _in_turn(store, messages)
    expected = _outcome(store)
    _fresh(store)
    used = _overlapped(store, messages)
    assert _outcome(store) == expected
    # the first unit had nobody before it; a unit that declares owners reads its people
    # and teams at its turn; the others were written as planned ahead (both engines read
    # after a unit's statements; the writer plans ahead only where that is before the commit)
    assert used == [False] + [not owned] * (len(messages) - 1)


def person_written_after_first(store):
    """A ``between`` that writes a person after unit 0 (a person's write: it moves the audit head)."""
    def write_after_first(i: int) -> None:
        if i == 0:
            manifest.ingest(store, parse.validate({"reason": "by hand", "people": [{"id": "fay", "name": "Fay"}]}),
                            actor="tester")
    return write_after_first


def test_a_write_in_between_makes_the_next_unit_planned_at_its_turn(store):
    messages = _units(owned=False)
    write_after_first = person_written_after_first(store)
    _fresh(store)
    _in_turn(store, messages, write_after_first)
    expected = _outcome(store)
    _fresh(store)
    used = _overlapped(store, messages, write_after_first)
    assert _outcome(store) == expected
    assert used == [False, False] + [True] * (len(messages) - 2)
    # the unit planned at its turn takes the time of that turn, after the write between
    times = [e["at"] for e in store.read("audit_events_page", after=0, limit=10_000)]
    assert times == sorted(times)


def test_the_writer_process_writes_the_units_it_holds_as_planned_while_one_commits(store):
    """Through the queue's writer process: units sent together (the child holds the next
    while one is applied) give the graph and audit chain of units in turn; on Neo4j they
    are written as planned during the commit before them."""
    planned_ahead = through_writer_process(store, _units(owned=False), _outcome)
    if store.plans_while_committing:
        assert planned_ahead >= 1
    # the embedded engine plans ahead over the outcome of the unit before instead
    # (``ol_overlay``, tests/contract/test_lineage_overlay.py)
