"""Days of the week as Application Auto Scaling cron expressions write them (``schedule.days``).

The day-of-week field of a cron expression takes the names SUN, MON, TUE, WED, THU, FRI and SAT,
single or as ranges, separated by commas (Application Auto Scaling user guide, "Schedule recurring
scaling actions using cron expressions", read 2026-11).  The settings accept that syntax; the
program writes the days back in one canonical form (ranges within SUN..SAT), so ``MON,TUE,WED,
THU,FRI`` and ``MON-FRI`` make the same plan.  A month has 365 / 12 / 7 = 4.345 weeks on average
(the calendar behind the 730 hours a month of the price catalogs): that is how many days a month
a schedule runs, per day of the week - the cost model reads the same from the plan's crons.
"""

from __future__ import annotations

from typing import Optional

DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
WEEKS_PER_MONTH = 365 / 12 / 7


def parse_days(text: str) -> Optional[frozenset[int]]:
    """The days (0 = SUN ... 6 = SAT) of a day-of-week field, None when it is not one.

    A range runs forward within the week (``MON-FRI``); a range that wraps (``FRI-MON``) is
    refused, as a cron reader cannot be assumed to wrap it."""
    days: set[int] = set()
    for part in text.split(","):
        first, dash, last = part.partition("-")
        if first not in DAY_NAMES or (dash and last not in DAY_NAMES):
            return None
        lo, hi = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
        if hi < lo:
            return None
        days.update(range(lo, hi + 1))
    return frozenset(days)


def days_problem(text: str) -> Optional[str]:
    """Why ``text`` is no day-of-week field of SUN..SAT names, or None."""
    if parse_days(text) is None:
        return (f"is not a list of days: names {', '.join(DAY_NAMES)}, single or as forward ranges "
                f"(MON-FRI), separated by commas")
    return None


def render_days(days: frozenset[int]) -> str:
    """``days`` as a day-of-week field: runs of consecutive days as ranges, in week order."""
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ",".join(DAY_NAMES[r[0]] if len(r) == 1 else f"{DAY_NAMES[r[0]]}-{DAY_NAMES[r[-1]]}" for r in runs)


def next_days(days: frozenset[int]) -> frozenset[int]:
    """The day after each of ``days`` (a stop at midnight falls on the next day)."""
    return frozenset((d + 1) % 7 for d in days)


def days_per_month(days: frozenset[int]) -> float:
    """Days a month a weekly schedule on ``days`` runs, in the average month."""
    return len(days) * WEEKS_PER_MONTH


__all__ = ["DAY_NAMES", "WEEKS_PER_MONTH", "days_per_month", "days_problem", "next_days", "parse_days",
           "render_days"]
