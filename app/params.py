"""Parameter parsing shared by the pages and the CLI (the API validates with its models in
``app/api/models.py``, which use the same time parser): one message style for 400s."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from flask import request

from graph_model.errors import BadParameter
from graph_model.schema import to_epoch_ms


def int_arg(name: str, default: int | None, low: int | None = None, high: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"{raw!r} is not an integer") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise BadParameter(name, f"must be between {low} and {high}, got {value}")
    return value


def optional_arg(name: str) -> str | None:
    """A text parameter, stripped; absent or blank is None."""
    return (request.args.get(name) or "").strip() or None


def required_arg(name: str) -> str:
    value = (request.args.get(name) or "").strip()
    if not value:
        raise BadParameter(name, "is required")
    return value


def instant_ms(text: str) -> int:
    """ISO-8601 / RFC 3339 text -> UTC epoch ms: without an offset it means UTC, a date
    alone its midnight UTC, 't' and 'z' may be lowercase, a leap second ':60' reads as ':59'. Raises ValueError naming the text.
    The one time parser of the pages, the CLI and the API."""
    normal = text.strip().upper().replace("Z", "+00:00")
    normal = re.sub(r"(T\d\d:\d\d):60", r"\1:59", normal)  # RFC 3339 leap second: its minute's last
    try:
        value = datetime.fromisoformat(normal)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO-8601 date or time") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return to_epoch_ms(value)


def parse_instant(name: str, raw: str | None) -> int | None:
    """``instant_ms`` for a named parameter; None/empty stays None."""
    if raw is None or raw.strip() == "":
        return None
    try:
        return instant_ms(raw)
    except ValueError as e:
        raise BadParameter(name, str(e)) from None


def instant_arg(name: str) -> int | None:
    return parse_instant(name, request.args.get(name))
