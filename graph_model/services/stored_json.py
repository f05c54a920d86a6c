"""Reading back the JSON text the graph stores free-form maps in.

Why: neither engine stores nested maps, so links, hyperparameters, metrics, deployment
conditions and audit change details are stored as canonical JSON text
(``schema.canonical_json``). Reading them back is one rule everywhere: nothing stored
reads as an empty map, and text that is not JSON (written by something other than
ownergraph) is shown as it is rather than failing the whole answer.
"""

from __future__ import annotations

import json
from typing import Any

UNREADABLE = "(unreadable)"


def load(text: str | None) -> Any:
    """The stored value; ``{}`` when nothing is stored, the text itself when it is not JSON."""
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return text


def load_map(text: str | None) -> dict[str, Any]:
    """A stored map; a stored non-map value is wrapped as ``{"value": v}`` and unreadable
    text as ``{"(unreadable)": text}``, so callers can always treat it as a map."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {UNREADABLE: text}
    return value if isinstance(value, dict) else {"value": value}
