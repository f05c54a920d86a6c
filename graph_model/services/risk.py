"""The risk vocabulary: every flag an answer can carry, what it means, and its thresholds.

Why one module: the incident answer, the hotspot ranking and the person and team pages
each mark artifacts with flags, and a responder who reads ``no_steward`` on one page
must be able to trust it means the same on the next. They used not to agree: an
artifact whose only steward had left was ``no_steward`` on the hotspot and person pages
but not in the incident answer. The rules are written here once, as functions of plain
facts (who owns it and whether they are active, when it last changed), and every answer
calls them; ``docs/flags.md`` is generated from ``FLAGS`` and a test keeps it so.

Decisions:
- ``no_steward`` means no *active* steward: an inactive steward cannot be paged, so for
  the question the flag answers ("is there a deputy to call?") they do not count.
- ``stale`` is measured from a time T (the incident time, or when the hotspot ranking
  was computed). Activity is a version created, or a run of one of its versions started
  or ended, not after T; no such activity in the ``STALE_DAYS`` before T is stale.
- ``data_refresh`` is a flag of its own, not a qualifier of ``recent_change``: the two
  never appear together, so every answer, count and filter that reads ``recent_change``
  (the page order, the "changed recently" count, the graph's highlight, API clients)
  keeps meaning "something in how it is made changed" without learning a qualifier,
  while a refresh stays visible (new data can be the cause) and ranks after changes.
  On the 10k demo's failing deployment every recent upstream artifact was
  ``recent_change`` (the daily feed and labels table among them); by this rule 2 are
  changes and 2 are refreshes of daily data.
- Exactly one current primary owner is the goal and the write path keeps it so; if data
  ever held two, the artifact has an active primary owner when any of them is active.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..clock import DAY_MS

STALE_DAYS = 30          # no activity in this many days before T is stale
RECENT_DAYS = 7          # a change within this many days before T is recent
WIDELY_USED = 5          # an artifact with at least this many dependents is widely used
LOAD_MIN = 3             # sole ownership of this many widely used artifacts is a risk
LOAD_POINTS_EACH, LOAD_POINTS_MAX = 0.1, 1.0
INCIDENT_DAYS = 90       # incident records opened this many days before T count in hotspots
INCIDENT_POINTS_EACH, INCIDENT_POINTS_MAX = 0.5, 2.0

REVIEW_DAYS = 180        # a primary ownership is reviewed this many days after it began or was confirmed

STALE_MS = STALE_DAYS * DAY_MS
RECENT_MS = RECENT_DAYS * DAY_MS
INCIDENT_MS = INCIDENT_DAYS * DAY_MS

#: which answers carry flags (the names used in ``Flag.answers``)
INCIDENT, HOTSPOTS, PEOPLE = "incident", "hotspots", "person and team pages"
ARTIFACT = "artifact"    # the artifact card (``GET /api/v1/artifact``, ``ownergraph show``)


@dataclass(frozen=True)
class Flag:
    """One flag: its name, what it means, where it appears and what it weighs.

    ``points`` is what the flag adds to an artifact's risk in the hotspot score (None:
    not scored, or scored by a rule, see ``load_points``); ``severity`` is how the
    graphs mark it ("high": nobody active is accountable, "medium": one person away
    from that, "none": worth knowing, not an ownership gap).
    """

    name: str
    meaning: str
    answers: tuple[str, ...]
    points: float | None = None
    severity: str = "none"


FLAGS: dict[str, Flag] = {f.name: f for f in (
    Flag("no_primary_owner", "no current primary owner",
         (ARTIFACT, INCIDENT, HOTSPOTS, PEOPLE), 2.0, "high"),
    Flag("owner_inactive", "there is a current primary owner, but they have left (`active: false`)",
         (ARTIFACT, INCIDENT, HOTSPOTS, PEOPLE), 1.5, "high"),
    Flag("no_steward", "no active steward (deputy): none is named, or every one named has left; "
                       "an inactive steward cannot be paged",
         (ARTIFACT, INCIDENT, HOTSPOTS, PEOPLE), 0.5, "medium"),
    Flag("single_owner", "exactly one active person owns it (primary or steward): if they left, "
                         "nobody would",
         (PEOPLE,), None, "medium"),
    Flag("orphaned", "no active person owns it at all (primary or steward)",
         (PEOPLE,), None, "high"),
    Flag("sole_owner_load", f"it has exactly one active owner, and that person is the only active owner "
                            f"of at least {LOAD_MIN} widely used artifacts ({WIDELY_USED} or more "
                            f"dependents each)",
         (HOTSPOTS,), None, "none"),
    Flag("no_versions", "no version recorded at all",
         (HOTSPOTS,), 0.5),
    Flag("stale", f"it has versions, but none was created and no run of one started or ended in the "
                  f"{STALE_DAYS} days before T (the incident time; for hotspots, when the ranking "
                  f"was computed)",
         (ARTIFACT, INCIDENT, HOTSPOTS), 0.5),
    Flag("recent_change", f"a version of it on this lineage path, or that version's commit, is from the "
                          f"{RECENT_DAYS} days before T (a newer version that is not on the path does "
                          f"not count: what runs is what matters), and it is not only a `data_refresh`",
         (INCIDENT,)),
    Flag("data_refresh", f"it would be `recent_change`, but that version and every version of it from the "
                         f"{RECENT_DAYS} days before T up to it only brought new data: against the version "
                         f"before it, none records a new commit, changed parameters (hyperparameters, "
                         f"deployment conditions), schema columns or its set of upstream artifacts (new "
                         f"versions of the same inputs, metrics and runs may differ); ranks after real "
                         f"changes on incident answers",
         (INCIDENT,)),
    Flag("no_lineage", "not a dataset, has versions, and no version of it was derived from another "
                       "artifact",
         (HOTSPOTS,), 0.5),
    Flag("no_team", "no accountable team",
         (HOTSPOTS,), 0.5),
    Flag("no_description", "empty or missing description",
         (HOTSPOTS,), 0.25),
    Flag("no_runbook", "a model or deployment without a `runbook` link",
         (HOTSPOTS,), 0.25),
    Flag("past_incidents", f"it was the failing artifact of incident records opened in the {INCIDENT_DAYS} "
                           f"days before T (an artifact that keeps failing ranks higher)",
         (HOTSPOTS,), None, "none"),
    Flag("run_failed", "the latest run of it (a pipeline's run, or the run that produced its newest "
                       "version) failed; on incident answers its owners page with recent changes",
         (ARTIFACT, INCIDENT, HOTSPOTS), 1.0, "medium"),
    Flag("review_overdue", f"its primary ownership is past its review-by date (the last confirmation, "
                           f"else the start of the ownership, plus {REVIEW_DAYS} days) at T: nobody has "
                           f"said lately that the owner still holds it",
         (ARTIFACT, INCIDENT, HOTSPOTS), 0.25),
    Flag("recorded_review_overdue", "a review the policy's cadences require of it (for example drift every "
                                    "30 days on tier-1 models; `ownergraph check`, docs in the README's "
                                    "Governance section) has none recorded within its cadence before T",
         (ARTIFACT, INCIDENT, HOTSPOTS), 0.25),
    Flag("recorded_review_failed", "the newest recorded review of a kind the policy's cadences require of it "
                                   "failed",
         (ARTIFACT, INCIDENT, HOTSPOTS), 1.0),
)}

#: kinds that are expected to have a runbook link
RUNBOOK_KINDS = ("model", "deployment")


def ownership_flags(primary_active: Iterable[bool], steward_active: Iterable[bool]) -> list[str]:
    """``no_primary_owner`` / ``owner_inactive`` and ``no_steward`` from the current owners.

    Args:
        primary_active: for each current primary owner, whether they are active.
        steward_active: the same for each current steward.
    """
    primary, stewards = list(primary_active), list(steward_active)
    out = []
    if not primary:
        out.append("no_primary_owner")
    elif not any(primary):
        out.append("owner_inactive")
    if not any(stewards):
        out.append("no_steward")
    return out


def bus_flags(active_owner_ids: Iterable[str]) -> list[str]:
    """``single_owner`` or ``orphaned`` from the distinct active owners (primary or steward)."""
    n = len(set(active_owner_ids))
    return ["single_owner"] if n == 1 else ["orphaned"] if n == 0 else []


def is_stale(last_activity: int | None, at: int) -> bool:
    """No activity (epoch ms, newest not after ``at``) in the ``STALE_DAYS`` before ``at``."""
    return last_activity is None or last_activity < at - STALE_MS


def is_recent(t: int | None, at: int) -> bool:
    """``t`` lies within the ``RECENT_DAYS`` before ``at`` (inclusive both ends)."""
    return t is not None and at - RECENT_MS <= t <= at


def review_overdue(since: int | None, confirmed_at: int | None, at: int) -> bool:
    """A primary ownership that began at ``since`` and was last confirmed at
    ``confirmed_at`` (epoch ms, None: never) is past its review-by date at ``at``."""
    start = confirmed_at if confirmed_at is not None else since
    return start is not None and start + REVIEW_DAYS * DAY_MS < at


def load_points(widely_used_alone: int) -> float | None:
    """The ``sole_owner_load`` points for a person who alone owns this many widely used
    artifacts (None below ``LOAD_MIN``)."""
    if widely_used_alone < LOAD_MIN:
        return None
    return round(min(LOAD_POINTS_MAX, LOAD_POINTS_EACH * widely_used_alone), 3)


def incident_points(incidents: int) -> float | None:
    """The ``past_incidents`` points for this many recent incidents of the artifact (None
    for none): one incident weighs like a missing steward, four or more like a missing
    primary owner, the heaviest ownership gap."""
    if incidents < 1:
        return None
    return round(min(INCIDENT_POINTS_MAX, INCIDENT_POINTS_EACH * incidents), 3)


def points(name: str) -> float:
    """The fixed hotspot points of flag ``name``."""
    value = FLAGS[name].points
    if value is None:
        raise KeyError(f"flag {name!r} has no fixed points")
    return value


def severity(flags: Iterable[str]) -> str:
    """The highest severity among ``flags``: "high", "medium" or "none"."""
    levels = {FLAGS[f].severity for f in flags if f in FLAGS}
    return "high" if "high" in levels else "medium" if "medium" in levels else "none"


def _points_text(f: Flag) -> str:
    if f.name == "sole_owner_load":
        return f"{LOAD_POINTS_EACH} per such artifact, at most {LOAD_POINTS_MAX}"
    if f.name == "past_incidents":
        return f"{INCIDENT_POINTS_EACH} per incident, at most {INCIDENT_POINTS_MAX}"
    return "" if f.points is None else f"{f.points}"


def markdown() -> str:
    """The thresholds and the flag table of ``docs/flags.md`` (generated:
    ``python -m graph_model.services.risk``; a unit test keeps the file equal to it)."""
    lines = [f"Thresholds: `stale` after {STALE_DAYS} days without activity, `recent_change` within "
             f"{RECENT_DAYS} days, an artifact is widely used from {WIDELY_USED} dependents, and "
             f"`sole_owner_load` starts at {LOAD_MIN} widely used artifacts; an ownership review is due "
             f"{REVIEW_DAYS} days after the ownership began or was last confirmed.", "",
             "| flag | meaning | in | hotspot points |", "|---|---|---|---|"]
    for f in FLAGS.values():
        lines.append(f"| `{f.name}` | {f.meaning} | {', '.join(f.answers)} | {_points_text(f)} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - prints the table for docs/flags.md
    print(markdown())
