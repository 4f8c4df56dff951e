"""The estimate of a resource graph: its cost lines, totals and top cost drivers.

The rules it follows are in the package docstring (``cost_model/__init__.py``).
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from . import pricers  # noqa: F401 - importing the package registers every pricer
from .catalog import Catalog, load_catalog
from .context import EstimateContext
from .pricers.compute import scaled_to_zero
from .pricers.network import AWSX_VPC
from .registry import FREE_TYPES, PRICERS
from .resources import Res, infer_region, is_component, num
from .usage import merge_usage


def _stack_usage_lines(ctx: EstimateContext) -> None:
    """Usage that belongs to the stack, not to one resource (never multiplied by a count)."""
    anchor = next((r for r in ctx.resources if r.type == AWSX_VPC), None)
    nat_gb = ctx.use("nat", "processedGbPerMonth")
    if ctx.nat_seen and nat_gb:
        r = anchor or next(r for r in ctx.resources if r.type == "aws:ec2/natGateway:NatGateway")
        ctx.add(r, f"NAT gateway data processed ({nat_gb:g} GB)", nat_gb, "GB", "nat/gb", kind="usage",
                resource="nat-data-processing")
    ep_gb = ctx.use("vpcEndpoints", "processedGbPerMonth")
    if ctx.vpce_seen and ep_gb:
        r = anchor or next(r for r in ctx.resources if r.type == "aws:ec2/vpcEndpoint:VpcEndpoint")
        ctx.add(r, f"VPC interface endpoint data processed ({ep_gb:g} GB)", ep_gb, "GB", "vpce/interface/gb",
                kind="usage", resource="vpc-endpoint-data-processing")
    # X-Ray: traces of the sampled share of requests when any task runs an ADOT/X-Ray sidecar.
    tracing = [r for r in ctx.resources if r.type == "aws:ecs/taskDefinition:TaskDefinition"
               and re.search(r"aws-otel|adot|xray", str(r.inputs.get("containerDefinitions") or ""), re.I)]
    tracing += [r for r in ctx.resources if r.type in ("aws:xray/samplingRule:SamplingRule", "aws:xray/group:Group")]
    frac = ctx.use("xray", "sampledFraction")
    if tracing and frac:
        m = ctx.million_requests() * frac
        ctx.add(tracing[0], f"X-Ray traces recorded ({frac:.0%} of requests)", m, "million traces",
                "xray/million-traces", kind="usage", resource="xray-traces")
    metrics = ctx.use("cloudwatch", "customMetrics")
    if metrics and ctx.resources:
        ctx.add(ctx.resources[0], f"CloudWatch custom metrics ({metrics:g})", metrics, "metric-month",
                "cloudwatch/metric-month", kind="usage", resource="custom-metrics")
    fis = ctx.use("fis", "actionMinutesPerMonth")
    fis_res = next((r for r in ctx.resources if r.type == "aws:fis/experimentTemplate:ExperimentTemplate"), None)
    if fis and fis_res is not None:
        ctx.add(fis_res, f"FIS action minutes ({fis:g})", fis, "action-minute", "fis/action-minute", kind="usage",
                resource="fis-experiments")


def estimate(resources: list[Res], usage: Optional[Mapping[str, Any]] = None, region: Optional[str] = None,
             catalog: Optional[Catalog] = None) -> dict:
    """Monthly cost of a resource graph.  ``usage`` overrides :data:`DEFAULT_USAGE`."""
    reg = region or infer_region(resources)
    cat = catalog or load_catalog(reg)
    use = merge_usage(usage)
    ctx = EstimateContext(resources, cat, use)
    sched = use.get("schedule") or {}
    hpd, dpm = num(sched.get("hoursPerDay"), 8) or 8, num(sched.get("daysPerMonth"), 22) or 22
    ctx.sched_hours = hpd * dpm
    ctx.sched_desc = f"{hpd:g} h x {dpm:g} days = {hpd * dpm:g} h a month"
    ctx.scheduled = scaled_to_zero(ctx)
    for r in resources:
        pricer = PRICERS.get(r.type)
        if pricer is not None:
            pricer(ctx, r)
        elif r.type in FREE_TYPES:
            ctx.count_free(r.type)
        elif is_component(r):
            if not r.type.startswith(("platform:", "pulumi:")) and not ctx.children.get(r.urn):
                ctx.not_priced(r, "remote component without children: its resources are not visible")
        else:
            ctx.not_priced(r, "resource type not in the cost model")
    _stack_usage_lines(ctx)

    lines = ctx.lines
    baseline = sum(l["monthly_usd"] for l in lines if l["kind"] == "baseline")
    usage_total = sum(l["monthly_usd"] for l in lines if l["kind"] == "usage")
    by_tier: dict[str, float] = {}
    by_service: dict[str, float] = {}
    for l in lines:
        by_tier[l["tier"]] = by_tier.get(l["tier"], 0.0) + l["monthly_usd"]
        by_service[l["service"]] = by_service.get(l["service"], 0.0) + l["monthly_usd"]
    unpriced_types: dict[str, int] = {}
    for u in ctx.unpriced:
        unpriced_types[u["type"]] = unpriced_types.get(u["type"], 0) + 1
    return {
        "region": cat.region,
        "requested_region": reg,
        "catalog_date": cat.date,
        "hours_per_month": cat.hours_per_month,
        "lines": lines,
        "totals": {"baseline_usd": baseline, "usage_usd": usage_total, "total_usd": baseline + usage_total},
        "by_tier": dict(sorted(by_tier.items(), key=lambda kv: -kv[1])),
        "by_service": dict(sorted(by_service.items(), key=lambda kv: -kv[1])),
        "unpriced": ctx.unpriced,
        "unpriced_types": unpriced_types,
        "free_types": dict(sorted(ctx.free.items())),
        "assumptions": ctx.assumptions + cat.warnings,
        "usage": use,
    }


def top_drivers(est: Mapping[str, Any], n: int = 5) -> list[dict]:
    """The n largest cost drivers, grouped by resource."""
    agg: dict[tuple, float] = {}
    for l in est["lines"]:
        key = (l["tier"], l["service"], l["resource"], l["type"].split(":")[-1])
        agg[key] = agg.get(key, 0.0) + l["monthly_usd"]
    ranked = sorted(agg.items(), key=lambda kv: -kv[1])[:n]
    return [{"tier": k[0], "service": k[1], "resource": k[2], "type": k[3], "monthly_usd": v} for k, v in ranked]
