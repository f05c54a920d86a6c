"""Who may write incident records and knowledge links, and how they are named in them.

Any authenticated, active principal with the ``write`` scope: a person, or a team's
service token (an alerting system opening a record). Not only the artifact's holders:
the person who notices a failure is often downstream of it, and a record is an account
of events, not a change to the artifact. Every entry names its author and is audited.
"""

from __future__ import annotations

from ..errors import PermissionDenied
from ..store.base import Reader
from . import access


def author(principal: access.Principal) -> str:
    """The name a record keeps: the person's id, or ``team:<id>`` for a service token."""
    return principal.person or f"team:{principal.team}"


def check(reader: Reader, principal: access.Principal) -> None:
    """Raise ``PermissionDenied`` unless ``principal`` may record (see the module docstring)."""
    if not principal.authenticated or not principal.has("write"):
        raise PermissionDenied(f"recording incidents and knowledge needs the 'write' scope, which this "
                               f"credential ({principal.actor.split(' ')[0]}) does not carry")
    st = access.standing(reader, principal)
    if not st.exists or not st.active:
        raise PermissionDenied(f"{author(principal)} is not an active person")
