"""Dashboard passwords: argon2id hashes of the peppered password (``pepper.py``), kept
apart from the Person node.

argon2-cffi's defaults (RFC 9106 "low memory": 64 MiB, 3 passes, 4 lanes) cost 224 ms
(best of 20) to 595 ms (median) a check on the 2-core development machine under a load
average of 10: that is what makes a stolen hash expensive to guess, and it is paid once
per login, never per request. A person with no password set
cannot log in; checking against a dummy hash then keeps the answer time the same, so
timing does not reveal which ids exist.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from graph_model.errors import NotFound, Problem, ValidationFailed
from graph_model.services import write_path
from graph_model.services.audit import Change
from graph_model.store.base import GraphStore, Statement

from . import pepper

MIN_LENGTH = 10
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not a password anyone has")


def set_password(store: GraphStore, person: str, password: str, *, actor: str | None = None,
                 home=None) -> None:
    """Hash and store ``person``'s password (audited; the hash never enters the log).
    ``home``: the data directory holding the pepper when no key is configured."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed([Problem("password", f"must be at least {MIN_LENGTH} characters")])
    digest = _hasher.hash(pepper.mix(pepper.key(home), password))

    def planner(reader, at):
        if not reader("access_person", id=person):
            raise NotFound(f"no person {person!r} in the graph")
        return write_path.ChangePlan([Statement("password_set", {"person": person, "hash": digest, "at": at})],
                                     [Change("password.set", "person", person, {})])

    write_path.apply(store, planner, actor=actor)


def check(store: GraphStore, person: str, password: str, *, home=None) -> bool:
    """True when ``person`` exists, is active, has a password and this is it."""
    rows = store.read("password_of", person=person) if person else []
    stored = rows[0]["hash"] if rows and rows[0]["active"] and rows[0]["hash"] else None
    try:
        return _hasher.verify(stored or _DUMMY, pepper.mix(pepper.key(home), password)) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
