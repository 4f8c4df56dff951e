"""Fargate price of one task-hour per service, from the platform's one cost model.

No price is kept here: the cost model (policies/platform_policies/cost_model/) prices each
ECS service of the plan from policies/pricing/<region>.json (architecture, Spot share), and
the price of one task-hour is its Fargate lines over the task-hours they price.
"""

from __future__ import annotations

from typing import Any

from platform_policies import cost_model


def task_hour_prices(plan: dict[str, Any]) -> tuple[dict[str, float], dict[str, Any]]:
    """({service urn: USD per task-hour}, {catalog_date, hours_per_month}) of ``plan``."""
    resources = cost_model.from_plan(plan)
    region = plan.get("region") or cost_model.infer_region(resources)
    est = cost_model.estimate(resources, region=region, stack=plan.get("stack"), usage={})
    usd: dict[str, float] = {}
    hours: dict[str, float] = {}
    for line in est["lines"]:
        attrs = line.get("attrs") or {}
        if not str(line.get("price_key", "")).startswith("fargate/") or attrs.get("part") not in ("vcpu", "gb"):
            continue
        urn = attrs.get("service_urn")
        tasks, peak, h = attrs.get("tasks") or 0, attrs.get("peak_tasks") or 0, attrs.get("hours") or 0
        if tasks and h:
            usd[urn] = usd.get(urn, 0.0) + line["monthly_usd"] / (tasks * h)
        elif peak and h:
            usd[urn] = usd.get(urn, 0.0) + line["peak_usd"] / (peak * h)
        hours[urn] = h
    cat = cost_model.load_catalog(region)
    return usd, {"catalog_date": cat.date, "hours_per_month": cat.hours_per_month, "region": region}
