"""Version-level pieces of the demo organisation: time, lineage picks, provenance maps.

Times are handled as whole-minute *ages* before ``now`` rather than datetimes: the
generator only ever needs "older than" comparisons and offsets, integers make them
cheap (100k artifacts must generate in seconds), and every timestamp stays relative
to ``now`` so the demo's "recent change" is recent whatever day it runs.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .names import METRICS

DAY = 1440  # minutes
HOUR = 60


class DemoRandom(random.Random):
    """``random.Random`` with cheaper ``randint`` and ``choice``.

    They are called a few million times for 100k artifacts; the stock versions draw
    bits in a Python loop, these scale one ``random()`` draw. Same seed, same values,
    on any platform (``random()`` is specified for a seeded Mersenne Twister).
    """

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


class Clock:
    """Turns ages (minutes before ``now``) into ISO-8601 UTC text.

    Cached, and built from a per-day date string plus arithmetic rather than
    ``strftime``: formatting would otherwise dominate generation time.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._minute = int(now.timestamp() // 60)
        self._second = f"{now.second:02d}"
        self._days: dict[int, str] = {}
        self.cache: dict[int, str] = {}

    def iso(self, age: int) -> str:
        text = self.cache.get(age)
        if text is None:
            day, minute = divmod(self._minute - age, DAY)
            date = self._days.get(day)
            if date is None:
                date = self._days[day] = (datetime(1970, 1, 1) + timedelta(days=day)).strftime("%Y-%m-%d")
            text = f"{date}T{minute // 60:02d}:{minute % 60:02d}:{self._second}Z"
            self.cache[age] = text
        return text

    def date(self, age: int) -> str:
        return self.iso(age)[:10]


class Ref:
    """What later artifacts need to know of an earlier one to point at its versions.

    Only these small records are kept while a domain is generated (and for the
    shared core, for the whole run), never the artifact dicts themselves, so that
    streaming a million artifacts holds one domain at a time.
    """

    __slots__ = ("uid", "names", "ages", "noun", "regular")

    def __init__(self, uid: str, names: list[str], ages: list[int], noun: str = "", regular: int = 0) -> None:
        self.uid = uid
        self.names = names   # oldest first
        self.ages = ages     # strictly decreasing: oldest (largest age) first
        self.noun = noun
        self.regular = regular   # index of the first regular version (1 after a backfill)


def after(rng: random.Random, age: int, lo: int, hi: int) -> int:
    """The age of a moment lo..hi minutes after ``age``, but at most half-way to now.

    The cap keeps every chain of derivations (raw data lands 8-14h ago, then tables,
    features, models, evaluations, metrics) in the past, and each step strictly later
    than its input.
    """
    return age - max(1, min(rng.randint(lo, hi), age // 2))


BACKFILL_AGE = 60 * DAY   # a source feed's first snapshot: history from before the recent weeks


def backfill(src: list[Ref], first: int) -> int:
    """The age of a data artifact's first snapshot, the backfill: older than its regular
    versions (``first`` is the oldest of those), and 30 minutes younger than the youngest
    backfill of its inputs (``BACKFILL_AGE`` for a feed), so that it derives from them.

    Why: without it a daily dataset's history began inside the week an incident looks
    back on, so every dataset upstream of the failing deployment looked new (a "first
    version", a change) where a catalogue in use for months shows a data refresh.
    """
    age = min(r.ages[0] for r in src) - 30 if src else BACKFILL_AGE
    return max(age, first + DAY)


def dated(clock: Clock, latest: int, n: int, cadence_days: int,
          src: list[Ref] | None = None) -> tuple[list[str], list[int]]:
    """n snapshots, one every ``cadence_days``, named by their UTC date (oldest first);
    with ``src`` (the inputs, [] for a feed) the backfill snapshot comes first.

    Exact whole-day spacing keeps the date names unique.
    """
    ages = [latest + k * cadence_days * DAY for k in range(n - 1, -1, -1)]
    if src is not None:
        ages.insert(0, backfill(src, ages[0]))
    return [clock.date(a) for a in ages], ages


def spaced(rng: random.Random, latest: int, n: int, lo: int, hi: int,
           fmt: str = "v{}") -> tuple[list[str], list[int]]:
    """n versions lo..hi minutes apart, named ``fmt.format(1..n)`` (oldest first)."""
    ages = [latest]
    for _ in range(n - 1):
        ages.append(ages[-1] + rng.randint(lo, hi))
    ages.reverse()
    return [fmt.format(k + 1) for k in range(n)], ages


def hyperparameters(rng: random.Random, algorithm: str) -> dict:
    """Plausible training settings for one model version."""
    lr = round(10 ** rng.uniform(-3.0, -0.7), 5)
    if algorithm in ("xgboost", "lightgbm"):
        return {"algorithm": algorithm, "learning_rate": lr, "max_depth": rng.randint(3, 10),
                "n_estimators": 50 * rng.randint(2, 40), "subsample": round(rng.uniform(0.6, 1.0), 2)}
    if algorithm == "pytorch-mlp":
        return {"algorithm": algorithm, "learning_rate": lr, "batch_size": rng.choice((256, 512, 1024, 2048)),
                "epochs": rng.randint(5, 40), "dropout": round(rng.uniform(0.0, 0.5), 2)}
    return {"algorithm": algorithm, "C": round(10 ** rng.uniform(-2, 1), 4), "penalty": "l2",
            "max_iter": 100 * rng.randint(2, 10)}


_METRIC_BASE = {
    "auc": (0.78, 0.95), "precision": (0.55, 0.9), "recall": (0.5, 0.85), "logloss": (0.15, 0.45),
    "ndcg_at_10": (0.35, 0.7), "mrr": (0.3, 0.65), "mae": (1.5, 9.0), "rmse": (2.5, 14.0),
    "mape": (0.06, 0.25),
}


def quality(rng: random.Random, family: str) -> dict[str, float]:
    """A model's baseline metric values; its versions drift around them."""
    return {m: rng.uniform(*_METRIC_BASE[m]) for m in METRICS[family]}


def scores(rng: random.Random, base: dict[str, float], spread: float = 0.03) -> dict:
    """One version's metrics: the baseline moved by a shared random drift."""
    drift = 1.0 + rng.uniform(-spread, spread)
    out = {}
    for name, value in base.items():
        v = value * drift
        out[name] = round(min(v, 0.999) if name in ("auc", "precision", "recall", "ndcg_at_10", "mrr") else v, 4)
    return out


def commit(sha: str, repo: str, author: str, message: str, clock: Clock, age: int) -> dict:
    return {"sha": sha, "repo": repo, "author": author, "message": message, "time": clock.iso(age)}


def run(digest: str, clock: Clock, ended: int, minutes: int, status: str = "succeeded") -> dict:
    """A finished run that produced a version ``ended`` minutes ago after ``minutes``."""
    rid = f"run-{digest[:8]}-{digest[8:12]}"
    return {"id": rid, "status": status, "started_at": clock.iso(ended + minutes),
            "ended_at": clock.iso(ended), "log_uri": f"https://logs.example.com/runs/{rid}"}


def deployment(rng: random.Random, status: str, env: str, region: str) -> dict:
    """Deployment conditions of one revision; a failing one shows it in its numbers."""
    failing = status == "failing"
    return {
        "status": status, "env": env, "region": region,
        "replicas": rng.randint(2, 12) if env == "prod" else rng.randint(1, 3),
        "traffic": 100 if env == "prod" else 0,
        "error_rate": round(rng.uniform(0.18, 0.4) if failing else rng.uniform(0.0, 0.01), 4),
        "p99_latency_ms": rng.randint(900, 2500) if failing else rng.randint(40, 300),
    }
