"""How a person appears in every answer, and looking people up in batches.

One shape everywhere ({id, name, email, active}) so pages, the CLI and the API can
mark inactive people the same way; an id the graph does not know (a dangling
escalation entry) appears as an inactive placeholder rather than disappearing.
"""

from __future__ import annotations

from typing import Iterable

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
