"""One root exception with named subclasses, so callers map errors by kind, not text.

The web layer turns each kind into one HTTP status in one place and the CLI into one
exit code; nothing else inspects messages.
"""

from __future__ import annotations

from dataclasses import dataclass


class OwnergraphError(Exception):
    """Root of every error ownergraph raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located by a path such as ``artifacts[3].owner``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def as_dict(self) -> dict:
        return {"path": self.path, "message": self.message}


class ValidationFailed(OwnergraphError):
    """Input was rejected; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems) or "invalid input")


class NotFound(OwnergraphError):
    """An artifact, version, person or team id that the graph does not hold."""


class BadParameter(OwnergraphError):
    """A request parameter (depth, version, date ...) that cannot be used."""

    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(f"{name}: {message}")


class PermissionDenied(OwnergraphError):
    """The caller may not do this (also: a write attempted through a read-only path).

    ``problems`` names every refused part of a change set (a manifest is refused whole).
    """

    def __init__(self, message: str, problems: list[Problem] | None = None):
        self.problems = list(problems or [])
        super().__init__(message)


class NotAuthenticated(OwnergraphError):
    """No credential, or one that is wrong, expired or revoked (HTTP 401)."""

    def __init__(self, message: str, error: str | None = "invalid_token"):
        self.error = error  # RFC 6750 error code for WWW-Authenticate (None: none was sent)
        super().__init__(message)


class Busy(OwnergraphError):
    """A bounded resource (the console's query slots) is full; try again after ``retry_after`` s."""

    def __init__(self, message: str, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        super().__init__(message)


class StoreUnavailable(OwnergraphError):
    """The graph database cannot be reached or started."""


class EngineStopped(StoreUnavailable):
    """The engine answered when a console query was sent and stopped while it ran (the
    embedded engine at its memory ceiling): the console pauses after it, while a store
    that was unreachable all along is only a 503."""


class ConsoleEngineUnavailable(StoreUnavailable):
    """The console's own engine (the embedded engine's read-only replica) is starting,
    catching up or stopped. The store itself is fine: its recovery must not treat this
    as an outage of the responders' engine."""


class ConsoleEngineStopped(EngineStopped, ConsoleEngineUnavailable):
    """A console query stopped the console's own engine (at its memory ceiling); the
    console pauses as after any engine stop, and the responders' engine never saw it."""


class WriteFailed(OwnergraphError):
    """The engine refused a write unit (a constraint, a runtime error); it was rolled
    back whole, so the graph and the audit log are as they were before it."""


class AuditChainBroken(OwnergraphError):
    """An audit event's stored content no longer matches its hash or its predecessor."""

    def __init__(self, seq: int, message: str):
        self.seq = seq
        super().__init__(f"audit event {seq}: {message}")
