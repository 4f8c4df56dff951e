"""The metrics a CloudWatch metric alarm reads, and the series it compares with its threshold.

An alarm reads one metric (namespace, metricName, dimensions, statistic at the top level) or, as a metric-math
alarm, a list of metricQueries: metric queries and expressions, of which the one with returnData true is the
series the alarm watches (PutMetricAlarm, CloudWatch API reference, read 2026-12-07).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from .props import as_bool, as_list, as_mapping, as_str, get, is_unknown

Bounds = tuple[Optional[float], Optional[float]]


@dataclass(frozen=True)
class MetricUse:
    where: str          # "The alarm" or "Query 'm1'" (starts a sentence)
    prop: str           # the top-level input holding it (its property dependencies say where values came from)
    query_id: Optional[str]
    namespace: Any
    metric: Any
    dimensions: Any     # {name: value (maybe UNKNOWN)}, or UNKNOWN


def metric_uses(props: Any) -> list[MetricUse]:
    """Every metric the alarm reads (skipping queries whose shape is unknown)."""
    uses = []
    metric = as_str(get(props, "metricName"))
    if metric:
        uses.append(MetricUse("The alarm", "dimensions", None, as_str(get(props, "namespace")), metric,
                              as_mapping(get(props, "dimensions"))))
    queries = as_list(get(props, "metricQueries"))
    for q in ([] if is_unknown(queries) else queries):
        name = as_str(get(q, "metric.metricName"))
        if not name:
            continue
        qid = as_str(get(q, "id"))
        uses.append(MetricUse(f"Query {qid!r}", "metricQueries", qid if isinstance(qid, str) else None,
                              as_str(get(q, "metric.namespace")), name,
                              as_mapping(get(q, "metric.dimensions"))))
    return uses


# An expression that keeps its inputs' range: one of them, or their maximum, minimum or average
# (CloudWatch User Guide, "Metric math syntax and functions": MAX/MIN/AVG of METRICS() or of an array).
_SAME_RANGE = re.compile(r"\s*(?:(?:MAX|MIN|AVG)\s*\(\s*(?:METRICS\(\s*(?:'[^']*')?\s*\)|\[[\w\s,]*\])\s*\)"
                         r"|[a-z]\w*)\s*", re.IGNORECASE)


def watched_uses(props: Any, uses: list[MetricUse]) -> Optional[list[MetricUse]]:
    """The metrics whose range the watched series keeps, or None when an expression changes the range."""
    if not get(props, "metricQueries"):
        return uses
    queries = as_list(get(props, "metricQueries"))
    if is_unknown(queries):
        return None
    band = get(props, "thresholdMetricId")
    returned = [q for q in queries if as_bool(get(q, "returnData"), True) is True and get(q, "id") != band]
    if len(returned) != 1:
        return None
    query = returned[0]
    by_id = {u.query_id: u for u in uses if u.query_id}
    qid = get(query, "id")
    if qid in by_id:
        return [by_id[qid]]
    expression = as_str(get(query, "expression"))
    if not isinstance(expression, str) or not _SAME_RANGE.fullmatch(expression):
        return None
    named = re.findall(r"\b[a-z]\w*\b", expression)
    if "METRICS" in expression.upper():
        return [u for u in uses if u.query_id] or None
    picked = [by_id[n] for n in named if n in by_id]
    return picked or None


def union(bounds: list[Bounds]) -> Bounds:
    """The range a MAX/MIN/AVG of series with these ranges can take."""
    lows, highs = [b[0] for b in bounds], [b[1] for b in bounds]
    return (None if None in lows else min(lows), None if None in highs else max(highs))


def never_fires(operator: Any, threshold: float, bounds: Bounds) -> Optional[str]:
    """Why a static threshold cannot be crossed by a series within ``bounds``, or None."""
    low, high = bounds
    if operator == "GreaterThanThreshold" and high is not None and threshold >= high:
        return f"the series never exceeds {high:g}"
    if operator == "GreaterThanOrEqualToThreshold" and high is not None and threshold > high:
        return f"the series never reaches {threshold:g} (at most {high:g})"
    if operator == "LessThanThreshold" and low is not None and threshold <= low:
        return f"the series never falls below {low:g}"
    if operator == "LessThanOrEqualToThreshold" and low is not None and threshold < low:
        return f"the series never falls to {threshold:g} (at least {low:g})"
    return None
