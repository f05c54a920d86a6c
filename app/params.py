"""Request-parameter parsing shared by the API blueprints: one message style for 400s."""

from __future__ import annotations

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


def parse_instant(name: str, raw: str | None) -> int | None:
    """ISO-8601 text -> UTC epoch ms (naive means UTC); None/empty stays None."""
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip().replace("Z", "+00:00")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadParameter(name, f"{raw!r} is not an ISO-8601 date or time") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return to_epoch_ms(value)


def instant_arg(name: str) -> int | None:
    return parse_instant(name, request.args.get(name))
