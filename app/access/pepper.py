"""The server-side secret that passwords are mixed with before hashing (a "pepper").

Why: the read-only console lets any reader query every node, and password hashes are
nodes (``Credential``): argon2id makes a stolen hash expensive to guess, but a weak
password still falls to an offline search. With the password first run through
HMAC-SHA256 under a key that is never in the graph, a hash read from the graph cannot
be searched without the key. (Session and token hashes need no pepper: they are
SHA-256 of 256 random bits, which nothing can invert, and a hash is never accepted in
place of the secret.)

Where the key comes from: ``OWNERGRAPH_SECRET_KEY`` (at least 32 characters; set the
same value on every server that shares a Neo4j database), else ``secret.key`` in the
data directory, created on first use with mode 0600. Losing it invalidates every
password (people set them again); it is not needed for anything else.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

ENV = "OWNERGRAPH_SECRET_KEY"
FILE = "secret.key"
MIN_ENV_LENGTH = 32


class KeyProblem(Exception):
    """The configured key cannot be used (too short, unreadable file)."""


def key(home: Path | str | None) -> bytes:
    """The pepper: the environment's key, else the data directory's file (made if absent)."""
    configured = os.environ.get(ENV)
    if configured is not None:
        if len(configured) < MIN_ENV_LENGTH:
            raise KeyProblem(f"{ENV} must be at least {MIN_ENV_LENGTH} characters")
        return configured.encode()
    path = Path(home or os.environ.get("OWNERGRAPH_HOME") or ".ownergraph") / FILE
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as e:
        raise KeyProblem(f"{path} is not a usable key: {e}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:   # another process made it first: use theirs
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text().strip())


def mix(pepper: bytes, password: str) -> str:
    """What is hashed instead of the password itself (hex, so argon2 sees plain text)."""
    return hmac.new(pepper, password.encode(), hashlib.sha256).hexdigest()
