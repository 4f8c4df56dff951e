"""Hours a month a scheduled service runs, read from its Application Auto Scaling scheduled actions.

The plan carries the schedule itself: each ``aws:appautoscaling/scheduledAction:ScheduledAction``
has a ``schedule`` (``cron(m h dom mon dow year)``), a ``timezone`` and the capacity it sets.  These
are plain strings under mocks and under the real engine alike, so both price the same hours.

Convention (docs/cost.md, "Scheduled services"):

* the actions are laid on one week (AWS cron: day-of-week 1-7 = SUN-SAT, or SUN..SAT names); a
  service is *on* after an action whose ``maxCapacity`` is above 0 (or, without one, whose
  ``minCapacity`` is), *off* after one that sets ``maxCapacity`` 0, until the next action;
* hours per day = on-hours a week / the times a week the service is switched on;
* days a month = the switch-on days of a week (the crons' day-of-week field) x 365 / 12 / 7 (the
  average month behind the catalog's 730 hours: MON-FRI = 21.7 days, MON-THU = 17.4); no day count
  stated elsewhere (a stack setting, a tag) is used, as nothing makes the crons follow it;
* hours a month = hours per day x days a month, at most the catalog's hours a month.

A schedule the parser does not understand (``rate()``, ``at()``, a day of month, a month or year
field) is not guessed: the service is priced always on (the upper bound) and the estimate says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone as _tz
from typing import Optional

from .resources import num

WEEK_MINUTES = 7 * 24 * 60
_DOW_NAMES = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_CRON = re.compile(r"^cron\((.+)\)$")
# A fixed instant for time-zone offsets: only differences between the actions' zones matter.
_REFERENCE = datetime(2026, 1, 15, 12, 0, tzinfo=_tz.utc)


def _field(text: str, low: int, high: int, names: Optional[dict] = None) -> Optional[list[int]]:
    """Values of one cron field (``*``, ``?``, ``5``, ``1,3``, ``8-17``, ``MON-FRI``, ``*/15``, ``10/5``)."""
    def value(tok: str) -> int:
        tok = tok.upper()
        if names and tok in names:
            return names[tok]
        return int(tok)

    out: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_txt = part.split("/", 1)
            step = int(step_txt)
        if part in ("*", "?"):
            lo, hi = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            lo, hi = value(a), value(b)
        else:
            lo = value(part)
            hi = high if step != 1 else lo
        if not (low <= lo <= high and low <= hi <= high) or step < 1:
            return None
        if lo <= hi:
            out.update(range(lo, hi + 1, step))
        else:  # wrap-around range such as FRI-MON
            out.update(v for v in list(range(lo, high + 1)) + list(range(low, hi + 1)))
    return sorted(out)


def weekly_firings(expression: str) -> Optional[list[int]]:
    """Minutes of the week (0 = Monday 00:00) a ``cron(...)`` expression fires, or None when it is
    not a weekly cron this model understands."""
    m = _CRON.match(str(expression or "").strip())
    if not m:
        return None
    parts = m.group(1).split()
    if len(parts) != 6:
        return None
    minute, hour, dom, month, dow, year = parts
    if dom not in ("?", "*") or month != "*" or year not in ("*", "?"):
        return None
    try:
        minutes = _field(minute, 0, 59)
        hours = _field(hour, 0, 23)
        days = _field(dow, 1, 7, _DOW_NAMES)
    except ValueError:
        return None
    if not minutes or not hours or not days:
        return None
    # AWS day-of-week 1 = Sunday; minute of week counts from Monday.
    return sorted(((d - 2) % 7) * 1440 + h * 60 + mi for d in days for h in hours for mi in minutes)


def _utc_offset_minutes(zone: Optional[str]) -> Optional[int]:
    if not zone or zone.upper() == "UTC":
        return 0
    try:
        from zoneinfo import ZoneInfo

        offset = _REFERENCE.astimezone(ZoneInfo(zone)).utcoffset()
    except Exception:  # noqa: BLE001 - unknown zone or no tz database
        return None
    return int(offset.total_seconds() // 60) if offset is not None else None


@dataclass
class Schedule:
    """What the scheduled actions of one scalable target say."""

    hours_per_month: float
    hours_per_day: float
    days_per_month: float
    on_min: Optional[float]
    on_max: Optional[float]
    description: str


def action_turns_on(action_inputs: dict) -> Optional[bool]:
    """True/False when the action switches the target on/off, None when it says neither."""
    act = action_inputs.get("scalableTargetAction") or {}
    hi, lo = num(act.get("maxCapacity")), num(act.get("minCapacity"))
    if hi is not None:
        return hi > 0
    if lo is not None:
        return lo > 0
    return None


def schedule_of(actions: list[dict], hours_per_month: float,
                weeks_per_month: float) -> tuple[Optional[Schedule], Optional[str]]:
    """(Schedule, None) for the inputs of a target's scheduled actions, or (None, why) when they
    cannot be read - the caller then prices the target always on."""
    events: list[tuple[int, bool, dict]] = []
    zones = {a.get("timezone") or "UTC" for a in actions}
    base = None
    for a in actions:
        on = action_turns_on(a)
        if on is None:
            continue
        firings = weekly_firings(a.get("schedule"))
        if firings is None:
            return None, f"schedule '{a.get('schedule')}' is not a weekly cron expression"
        offset = _utc_offset_minutes(a.get("timezone"))
        if offset is None:
            if len(zones) > 1:
                return None, f"time zone '{a.get('timezone')}' unknown and the actions use several zones"
            offset = 0
        base = offset if base is None else base
        for t in firings:
            events.append(((t - (offset - base)) % WEEK_MINUTES, on, a))
    if not events or not any(on for _, on, _ in events):
        return None, "no scheduled action switches the service on"
    if all(on for _, on, _ in events):
        return None, None  # never switched off: always on
    events.sort(key=lambda e: e[0])
    on_minutes, starts, lo, hi = 0, 0, None, None
    for i, (t, on, a) in enumerate(events):
        nxt = events[(i + 1) % len(events)][0] + (WEEK_MINUTES if i + 1 == len(events) else 0)
        prev_on = events[i - 1][1]
        if on:
            on_minutes += nxt - t
            if not prev_on:
                starts += 1
            act = a.get("scalableTargetAction") or {}
            lo = num(act.get("minCapacity"), lo)
            hi = num(act.get("maxCapacity"), hi)
    starts = max(starts, 1)
    hpd = on_minutes / 60.0 / starts
    days = starts * weeks_per_month
    hours = min(hpd * days, hours_per_month)
    days_txt = f"{days:.2f} days ({starts} a week x {weeks_per_month:.3f} weeks)"
    desc = f"scheduled: {hpd:g} h a day x {days_txt} = {hours:.1f} h a month"
    return Schedule(hours, hpd, days, lo, hi, desc), None
