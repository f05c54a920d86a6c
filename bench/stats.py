"""Timing loops and percentiles shared by the measurements.

Percentiles are nearest-rank (the value at rank ceil(p*n) of the sorted times), so a
reported p95 is a time that was actually observed, never an interpolation.
"""

from __future__ import annotations

import math
import time
from typing import Any, Callable, Iterable


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def time_weighted(times_ms: list[float], p: float) -> float | None:
    """The read time that the read in flight at a random instant stays within, ``p`` of the
    time: each read weighted by its own duration. Why: a reader that waits for each
    answer before asking again (a closed loop) issues few reads during a stall, so a
    per-request p95 can look fine while a responder arriving at a random moment would
    often land in the stall; this is the view of that responder."""
    if not times_ms:
        return None
    ordered = sorted(times_ms)
    total, run = sum(ordered), 0.0
    for t in ordered:
        run += t
        if run >= p * total:
            return t
    return ordered[-1]


def summary(times_ms: list[float]) -> dict:
    """n, p50, p95, max and mean of a list of milliseconds."""
    if not times_ms:
        return {"n": 0, "p50": None, "p95": None, "max": None, "mean": None}
    return {"n": len(times_ms), "p50": round(percentile(times_ms, 0.5), 4),
            "p95": round(percentile(times_ms, 0.95), 4), "max": round(max(times_ms), 4),
            "mean": round(sum(times_ms) / len(times_ms), 4)}


def time_each(fn: Callable[[str], Any], items: Iterable[str], budget_s: float | None = None) \
        -> tuple[dict[str, float], dict[str, Any], bool]:
    """Call ``fn(item)`` for each item; per-item wall time in ms, the answers, and
    whether the time budget stopped the loop before the end (the items are ordered so
    that a prefix is still a fair mix)."""
    times: dict[str, float] = {}
    answers: dict[str, Any] = {}
    started = time.perf_counter()
    items = list(items)
    for i, item in enumerate(items):
        t0 = time.perf_counter()
        answers[item] = fn(item)
        times[item] = (time.perf_counter() - t0) * 1000
        if budget_s is not None and time.perf_counter() - started > budget_s and i + 1 < len(items):
            return times, answers, True
    return times, answers, False


def ratio(baseline: dict[str, float], ours: dict[str, float], p: float) -> float | None:
    """Baseline time / ownergraph time at percentile ``p``, over the items both measured."""
    common = [k for k in baseline if k in ours]
    b, o = percentile([baseline[k] for k in common], p), percentile([ours[k] for k in common], p)
    if not b or not o:
        return None
    return b / o
