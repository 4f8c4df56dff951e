"""When an Application Auto Scaling scheduled action fires: ``cron(...)`` and ``at(...)``.

Expressions as the Application Auto Scaling user guide documents them ("Scheduled scaling",
read 2026-11): ``cron(Minutes Hours Day-of-month Month Day-of-week Year)`` with ``*``, ``?``,
lists, ranges and day names (SUN=1 ... SAT=7), evaluated in the action's time zone;
``at(yyyy-mm-ddThh:mm:ss)`` once.  ``rate(...)`` is not rehearsed (reported in the notes).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Optional
from zoneinfo import ZoneInfo

DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
MONTHS = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
                                      "NOV", "DEC"), 1)}


def _field(expr: str, value: int, names: dict[str, int]) -> bool:
    if expr in ("*", "?"):
        return True
    for part in expr.split(","):
        step = 1
        if "/" in part:
            part, s = part.split("/", 1)
            step = int(s)
        if part == "*":
            lo, hi = -10**6, 10**6
        elif "-" in part:
            a, b = part.split("-", 1)
            lo, hi = int(names.get(a, a)), int(names.get(b, b))
        else:
            lo = hi = int(names.get(part, part))
            if step > 1:
                hi = 10**6
        if lo <= value <= hi and (value - lo) % step == 0:
            return True
    return False


def fires(schedule: str, timezone: str, when: datetime) -> Optional[bool]:
    """Whether ``schedule`` fires at the minute ``when`` (an aware datetime); None for rate()/unknown."""
    local = when.astimezone(ZoneInfo(timezone or "UTC"))
    m = re.fullmatch(r"cron\((.+)\)", schedule.strip())
    if m:
        fields = m.group(1).split()
        if len(fields) != 6:
            return None
        minute, hour, dom, month, dow, year = fields
        aws_dow = (local.isoweekday() % 7) + 1   # Monday=1 in ISO -> 2 in AWS cron; Sunday -> 1
        return (_field(minute, local.minute, {}) and _field(hour, local.hour, {}) and _field(dom, local.day, {})
                and _field(month, local.month, MONTHS) and _field(dow, aws_dow, DAYS) and _field(year, local.year, {}))
    m = re.fullmatch(r"at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)", schedule.strip())
    if m:
        at = datetime.fromisoformat(m.group(1)).replace(tzinfo=ZoneInfo(timezone or "UTC"))
        return local.replace(second=0, microsecond=0) == at.astimezone(local.tzinfo).replace(second=0, microsecond=0)
    return None
