"""The one clock the read services take "now" from, and the lengths of time they use.

Why a module of its own: incident, impact, overview and hotspots all measure against
"now" (staleness, recent changes, the default incident time), and they used to borrow
the write path's clock. A read does not depend on the write path, and a test that wants
a fixed "now" passes it as an argument rather than patching a writer's internals.
Instants are UTC epoch milliseconds, the form the graph stores them in.
"""

from __future__ import annotations

import time

SECOND_MS = 1000
HOUR_MS = 3600 * SECOND_MS
DAY_MS = 24 * HOUR_MS


def now_ms() -> int:
    """The current instant, UTC epoch milliseconds."""
    return int(time.time() * 1000)
