"""How a person appears in every answer, and looking people up in batches.

One shape everywhere ({id, name, email, active}) so pages, the CLI and the API can
mark inactive people the same way; an id the graph does not know (a dangling
escalation entry) appears as an inactive placeholder rather than disappearing.
"""

from __future__ import annotations

from typing import Callable, Iterable

from ..store.base import GraphStore, batched


def person_view(row: dict) -> dict:
    return {"id": row["id"], "name": row.get("name"), "email": row.get("email"),
            "active": row.get("active") is not False}


def unknown_person(pid: str) -> dict:
    return {"id": pid, "name": None, "email": None, "active": False}


def load_people(store: GraphStore, ids: Iterable[str]) -> dict[str, dict]:
    """People by id; unknown ids are left out (callers decide what a gap means)."""
    out: dict[str, dict] = {}
    for chunk in batched(sorted(set(ids))):
        for r in store.read("people_by_ids", ids=chunk):
            out[r["id"]] = person_view(r)
    return out


def escalation_people(people: dict[str, dict], ids: Iterable[str]) -> list[dict]:
    """An escalation list in its order, people looked up in ``people``."""
    return [people.get(pid) or unknown_person(pid) for pid in ids]


def split_owners(rows: Iterable[dict], view: Callable[[dict], dict] = person_view) -> tuple[dict | None, list[dict]]:
    """Current owner rows (``{id, ..., role}``, nulls from an optional match allowed) ->
    (the primary owner or None, the stewards by id), each passed through ``view``.

    Exactly one current primary is what the write path keeps; should data ever hold two,
    the one with the lowest id is shown, so every answer shows the same one.
    """
    owners = sorted((r for r in rows if r.get("id")), key=lambda r: r["id"])
    primary = next((r for r in owners if r.get("role") == "primary"), None)
    return (view(primary) if primary else None,
            [view(r) for r in owners if r.get("role") == "steward"])


def who(p: dict | None, *, contact: str | None = None, brackets: str = "<>",
        inactive: str = "  [inactive]", none: str = "(none)",
        escape: Callable[[str], str] = str) -> str:
    """A person as one line of text: name (else id), optionally a contact detail, and a
    mark when they have left. The terminal, the graph tooltips and the Markdown summary
    all use it, each with its own brackets, mark and escaping.

    Args:
        contact: the field shown after the name ("email", "id"), if present.
        brackets: the two characters around the contact detail.
        inactive: appended for a person with ``active: false``.
        none: the text for no person at all.
        escape: applied to every value taken from the person (Markdown needs it).
    """
    if not p:
        return none
    text = escape(p.get("name") or p["id"])
    detail = p.get(contact) if contact else None
    if detail:
        text += f" {brackets[0]}{escape(detail)}{brackets[1]}"
    return text + (inactive if p.get("active") is False else "")
