"""Turns manifest text (YAML or JSON) into a validated ``Manifest``.

All problems are collected and raised together, each with a path such as
``artifacts[3].versions[0].kind``, so a user fixes a file in one pass.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import Problem, ValidationFailed
from ..schema import Manifest


def format_loc(loc: tuple) -> str:
    """('artifacts', 3, 'versions', 0, 'kind') -> 'artifacts[3].versions[0].kind'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_text(text: str, source: str = "manifest") -> Any:
    """Decode YAML or JSON (JSON is YAML's subset, but its errors read better as JSON)."""
    stripped = text.lstrip()
    try:
        if stripped.startswith(("{", "[")):
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as e:
        raise ValidationFailed([Problem(source, f"malformed JSON at line {e.lineno}, column {e.colno}: {e.msg}")]) from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(e, "problem", None) or str(e)
        raise ValidationFailed([Problem(source, f"malformed YAML{where}: {what}")]) from e


def _dates_to_text(value: Any) -> Any:
    """YAML reads `2026-11-21` as a date; versions and times want text or datetimes."""
    if isinstance(value, dict):
        return {k: _dates_to_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_to_text(v) for v in value]
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def validate(data: Any) -> Manifest:
    """Validate decoded data against the manifest schema; raise every problem at once."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationFailed([Problem("", f"a manifest is a mapping with people, teams and "
                                             f"artifacts, not a {type(data).__name__}")])
    try:
        return Manifest.model_validate(_dates_to_text(data))
    except ValidationError as e:
        problems = []
        for err in e.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown field"
            problems.append(Problem(format_loc(err["loc"]), msg))
        raise ValidationFailed(problems + raw_duplicates(data)) from e


def raw_duplicates(data: dict) -> list[Problem]:
    """Duplicate keys, found on the raw data so they are reported alongside type errors
    (when the types are right, the reference checks report them instead)."""
    problems = []
    for section, key in (("people", "id"), ("teams", "id"), ("artifacts", "uid")):
        items = data.get(section)
        if not isinstance(items, list):
            continue
        seen: dict = {}
        for i, item in enumerate(items):
            value = item.get(key) if isinstance(item, dict) else None
            if not isinstance(value, str):
                continue
            if value in seen:
                problems.append(Problem(f"{section}[{i}]", f"duplicate {key} {value!r} "
                                                           f"(first at {section}[{seen[value]}])"))
            else:
                seen[value] = i
    return problems


def load_text(text: str, source: str = "manifest") -> Manifest:
    return validate(parse_text(text, source))


def load_file(path: str | Path) -> Manifest:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise ValidationFailed([Problem(str(p), f"cannot read: {e.strerror}")]) from e
    except UnicodeDecodeError as e:
        raise ValidationFailed([Problem(str(p), "not UTF-8 text")]) from e
    return load_text(text, str(p))
