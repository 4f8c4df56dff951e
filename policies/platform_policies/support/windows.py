"""Weekly time windows of AWS's maintenance and backup settings, and whether two of them overlap.

Two spellings: a daily window "hh24:mi-hh24:mi" (RDS PreferredBackupWindow, ElastiCache SnapshotWindow), which
recurs every day, and a weekly one "ddd:hh24:mi-ddd:hh24:mi" (PreferredMaintenanceWindow), both in UTC.  A
window may cross midnight (23:30-00:30) or the end of the week (sun:23:00-mon:01:00).  Everything here is in
minutes from Monday 00:00.
"""

from __future__ import annotations

import re
from typing import Optional

DAY = 24 * 60
WEEK = 7 * DAY
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = r"([01]\d|2[0-3]):([0-5]\d)"
_DAILY = re.compile(rf"{_TIME}-{_TIME}")
_WEEKLY = re.compile(rf"([a-z]{{3}}):{_TIME}-([a-z]{{3}}):{_TIME}", re.IGNORECASE)

Spans = list[tuple[int, int]]  # half-open [start, end) minutes within one week, none crossing its end


def _spans(start: int, length: int, every: int) -> Spans:
    """The week's spans of a window of ``length`` minutes starting at ``start`` and recurring each ``every``."""
    out = []
    for first in range(start, start + WEEK, every):
        first %= WEEK
        end = first + length
        out += [(first, WEEK), (0, end - WEEK)] if end > WEEK else [(first, end)]
    return out


def daily(text: str) -> Optional[tuple[int, Spans]]:
    """(length in minutes, spans) of "hh24:mi-hh24:mi", or None when malformed."""
    match = _DAILY.fullmatch(text)
    if not match:
        return None
    h1, m1, h2, m2 = map(int, match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    length = (end - start) % DAY
    return length, _spans(start, length, DAY)


def weekly(text: str) -> Optional[tuple[int, Spans]]:
    """(length in minutes, spans) of "ddd:hh24:mi-ddd:hh24:mi", or None when malformed."""
    match = _WEEKLY.fullmatch(text)
    if not match or match.group(1).lower() not in DAYS or match.group(4).lower() not in DAYS:
        return None
    d1, h1, m1, d2, h2, m2 = match.groups()
    start = DAYS.index(d1.lower()) * DAY + int(h1) * 60 + int(m1)
    end = DAYS.index(d2.lower()) * DAY + int(h2) * 60 + int(m2)
    length = (end - start) % WEEK
    return length, _spans(start, length, WEEK)


def overlap(a: Spans, b: Spans) -> bool:
    """Whether two windows share a minute (one ending as the other starts does not count)."""
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def window_problems(daily_key: str, daily_text, weekly_key: str, weekly_text, min_daily: int,
                    min_weekly: int) -> list[str]:
    """Problems of a daily window and the weekly maintenance window beside it: format, minimum lengths (minutes),
    overlap.  A value that is not a string (unset, unknown) is not judged."""
    out = []
    first = daily(daily_text) if isinstance(daily_text, str) and daily_text else None
    second = weekly(weekly_text) if isinstance(weekly_text, str) and weekly_text else None
    if isinstance(daily_text, str) and daily_text and first is None:
        out.append(f"{daily_key} {daily_text!r} is not hh24:mi-hh24:mi (UTC)")
    if isinstance(weekly_text, str) and weekly_text and second is None:
        out.append(f"{weekly_key} {weekly_text!r} is not ddd:hh24:mi-ddd:hh24:mi (UTC, days mon-sun)")
    if first and first[0] < min_daily:
        out.append(f"{daily_key} {daily_text!r} is {first[0]} minutes; at least {min_daily}")
    if second and second[0] < min_weekly:
        out.append(f"{weekly_key} {weekly_text!r} is {second[0]} minutes; at least {min_weekly}")
    if first and second and overlap(first[1], second[1]):
        out.append(f"{daily_key} {daily_text!r} overlaps {weekly_key} {weekly_text!r}; they must not overlap")
    return out
