"""Observability: CloudWatch alarms, dashboards and log groups (X-Ray traces are a stack-level usage line)."""

from __future__ import annotations

from ..context import EstimateContext
from ..priced import prices
from ..resources import Res, known_list, num


@prices("aws:cloudwatch/metricAlarm:MetricAlarm")
def _alarm(ctx: EstimateContext, r: Res) -> None:
    queries = known_list(r.inputs.get("metricQueries")) or []
    metrics = sum(1 for q in queries if isinstance(q, dict) and q.get("metric")) or 1
    period = num(r.inputs.get("period"))
    if period is None and queries:
        periods = [num((q.get("metric") or {}).get("period")) for q in queries if isinstance(q, dict)]
        period = min([p for p in periods if p] or [60])
    high_res = period is not None and period < 60
    key = "cloudwatch/alarm-high-res-month" if high_res else "cloudwatch/alarm-standard-month"
    ctx.add(r, f"CloudWatch alarm ({'high-resolution' if high_res else 'standard'}, {metrics} metric(s))", metrics,
            "alarm metric-month", key)


@prices("aws:cloudwatch/compositeAlarm:CompositeAlarm")
def _composite(ctx: EstimateContext, r: Res) -> None:
    ctx.add(r, "CloudWatch composite alarm", 1, "alarm-month", "cloudwatch/composite-alarm-month")


@prices("aws:cloudwatch/dashboard:Dashboard")
def _dashboard(ctx: EstimateContext, r: Res) -> None:
    ctx.add(r, "CloudWatch dashboard", 1, "dashboard-month", "cloudwatch/dashboard-month")


@prices("aws:cloudwatch/logGroup:LogGroup")
def _log_group(ctx: EstimateContext, r: Res) -> None:
    gb = ctx.use("logs", "ingestGbPerLogGroup")
    if not gb:
        return
    ctx.add(r, f"CloudWatch Logs ingestion ({gb:g} GB)", gb, "GB", "cloudwatch/logs-ingest-gb", kind="usage",
            usage={"logs.ingestGbPerLogGroup": gb})
    days = num(r.inputs.get("retentionInDays"), 0) or 0
    if days <= 0:
        days = 365
        ctx.assume("log groups without retention: storage priced for 12 months of data")
    stored = gb * days / 30.0
    ctx.add(r, f"CloudWatch Logs storage ({days:g} d retention, steady state)", stored, "GB-month",
            "cloudwatch/logs-storage-gb-month", kind="usage", usage={"logs.ingestGbPerLogGroup": gb})
