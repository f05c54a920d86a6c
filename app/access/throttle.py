"""A bound on failed logins, per account and per client address.

Five failures for one account, or twenty from one address, within fifteen minutes lock
further attempts until the oldest failure ages out (HTTP 429 with Retry-After). Counted
in the server process: a restart forgets them and several server processes count apart,
which still bounds an online guesser to a few hundred tries a day per account, against
argon2 hashes that are only the last line of defence.
"""

from __future__ import annotations

import threading
import time
from collections import deque

WINDOW_S = 15 * 60
PER_ACCOUNT = 5
PER_ADDRESS = 20


class FailedLogins:
    def __init__(self, per_account: int = PER_ACCOUNT, per_address: int = PER_ADDRESS,
                 window_s: float = WINDOW_S, clock=time.monotonic):
        self.limits = {"account": per_account, "address": per_address}
        self.window = window_s
        self.clock = clock
        self._seen: dict[tuple[str, str], deque] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque:
        q = self._seen.setdefault(key, deque())
        while q and now - q[0] >= self.window:
            q.popleft()
        return q

    def retry_after(self, account: str, address: str) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for kind, value in (("account", account), ("address", address)):
                q = self._recent((kind, value), now)
                if len(q) >= self.limits[kind]:
                    wait = max(wait, self.window - (now - q[0]))
        return int(wait) + (1 if wait else 0)

    def failed(self, account: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            for kind, value in (("account", account), ("address", address)):
                self._recent((kind, value), now).append(now)

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._seen.pop(("account", account), None)
