"""The estimate of a resource graph: its cost lines, expected and peak totals, assumptions, top drivers.

The rules it follows are in the package docstring (``cost_model/__init__.py``).
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from . import pricers  # noqa: F401 - importing the package registers every pricer
from .capacity import service_capacities
from .catalog import Catalog, load_catalog
from .context import EstimateContext
from .pricers.network import AWSX_VPC
from .priced import FREE_TYPES, PRICERS
from .resources import Res, infer_region, is_component
from .usage import given_keys, load_stack_usage, merge_usage, stack_of


def _stack_usage_lines(ctx: EstimateContext) -> None:
    """Usage that belongs to the stack, not to one resource (never multiplied by a count)."""
    anchor = next((r for r in ctx.resources if r.type == AWSX_VPC), None)
    if ctx.nat_seen:
        nat_gb = ctx.use("nat", "processedGbPerMonth")
        if nat_gb:
            r = anchor or next(r for r in ctx.resources if r.type == "aws:ec2/natGateway:NatGateway")
            ctx.add(r, f"NAT gateway data processed ({nat_gb:g} GB)", nat_gb, "GB", "nat/gb", kind="usage",
                    resource="nat-data-processing", usage={"nat.processedGbPerMonth": nat_gb})
    if ctx.vpce_seen:
        ep_gb = ctx.use("vpcEndpoints", "processedGbPerMonth")
        if ep_gb:
            r = anchor or next(r for r in ctx.resources if r.type == "aws:ec2/vpcEndpoint:VpcEndpoint")
            ctx.add(r, f"VPC interface endpoint data processed ({ep_gb:g} GB)", ep_gb, "GB", "vpce/interface/gb",
                    kind="usage", resource="vpc-endpoint-data-processing",
                    usage={"vpcEndpoints.processedGbPerMonth": ep_gb})
    # X-Ray: traces of the sampled share of requests when any task runs an ADOT/X-Ray sidecar.
    tracing = [r for r in ctx.resources if r.type == "aws:ecs/taskDefinition:TaskDefinition"
               and re.search(r"aws-otel|adot|xray", str(r.inputs.get("containerDefinitions") or ""), re.I)]
    tracing += [r for r in ctx.resources if r.type in ("aws:xray/samplingRule:SamplingRule", "aws:xray/group:Group")]
    if tracing:
        frac = ctx.use("xray", "sampledFraction")
        if frac:
            m = ctx.million_requests() * frac
            ctx.add(tracing[0], f"X-Ray traces recorded ({frac:.0%} of requests)", m, "million traces",
                    "xray/million-traces", kind="usage", resource="xray-traces",
                    usage={"requestsPerMonth": m / frac * 1e6, "xray.sampledFraction": frac})
    if ctx.resources:
        metrics = ctx.use("cloudwatch", "customMetrics")
        if metrics:
            ctx.add(ctx.resources[0], f"CloudWatch custom metrics ({metrics:g})", metrics, "metric-month",
                    "cloudwatch/metric-month", kind="usage", resource="custom-metrics",
                    usage={"cloudwatch.customMetrics": metrics})
    fis_res = next((r for r in ctx.resources if r.type == "aws:fis/experimentTemplate:ExperimentTemplate"), None)
    if fis_res is not None:
        fis = ctx.use("fis", "actionMinutesPerMonth")
        if fis:
            ctx.add(fis_res, f"FIS action minutes ({fis:g})", fis, "action-minute", "fis/action-minute",
                    kind="usage", resource="fis-experiments", usage={"fis.actionMinutesPerMonth": fis})


def _usage_assumptions(ctx: EstimateContext, given: set[str], source: str) -> list[dict]:
    """Every usage key the pricers read: value, where it came from, the lines and dollars it drives."""
    out = []
    for key, value in ctx.usage_read.items():
        lines = [l for l in ctx.lines if key in l["usage"]]
        out.append({"key": key, "value": value, "source": source if key in given else "model default",
                    "lines": len(lines), "monthly_usd": sum(l["monthly_usd"] for l in lines)})
    return out


def _region_without_catalog(ctx: EstimateContext, resources: list[Res], region: str) -> None:
    """A stack in a region without its own catalog is priced at the fallback catalog's list prices,
    which are not that region's (they differ by service and region): the whole estimate is then
    unpriced for that region - fail closed under failOnUnpriced, named, never a silent pass."""
    if ctx.cat.region == region:
        return
    provider = next((r for r in resources if r.type == "pulumi:providers:aws"), None)
    ctx.unpriced.append({
        "type": "price catalog", "resource": f"region {region}", "urn": provider.urn if provider else "",
        "reason": f"no price catalog for {region} (policies/pricing/{region}.json); the lines show "
                  f"{ctx.cat.region} list prices, which are not {region} prices"})


def estimate(resources: list[Res], usage: Optional[Mapping[str, Any]] = None, region: Optional[str] = None,
             catalog: Optional[Catalog] = None, stack: Optional[str] = None) -> dict:
    """Monthly cost of a resource graph.

    ``usage``: the usage profile; None = ``policies/usage/<stack>.json`` of ``stack`` (default: the
    stack in the resources' URNs).  Keys a profile leaves out take :data:`DEFAULT_USAGE`.
    """
    reg = region or infer_region(resources)
    cat = catalog or load_catalog(reg)
    stack = stack or stack_of(r.urn for r in resources)
    if usage is None:
        profile = load_stack_usage(stack)
        source = f"policies/usage/{stack}.json" if profile is not None else "model default"
    else:
        profile, source = dict(usage), "given usage profile"
    use = merge_usage(profile)
    ctx = EstimateContext(resources, cat, use)
    ctx.capacity = service_capacities(ctx)
    for r in resources:
        pricer = PRICERS.get(r.type)
        if pricer is not None:
            pricer(ctx, r)
        elif r.type in FREE_TYPES or r.type.startswith("pulumi:providers:"):
            ctx.count_free(r.type)  # a provider of any package is configuration, never billed
        elif is_component(r):
            if not r.type.startswith(("platform:", "pulumi:")) and not ctx.children.get(r.urn):
                ctx.not_priced(r, "remote component without children: its resources are not visible")
        else:
            ctx.not_priced(r, "resource type not in the cost model")
    _stack_usage_lines(ctx)
    _region_without_catalog(ctx, resources, reg)

    lines = ctx.lines
    baseline = sum(l["monthly_usd"] for l in lines if l["kind"] == "baseline")
    usage_total = sum(l["monthly_usd"] for l in lines if l["kind"] == "usage")
    peak = sum(l["peak_usd"] for l in lines)
    by_tier: dict[str, float] = {}
    by_service: dict[str, float] = {}
    for l in lines:
        by_tier[l["tier"]] = by_tier.get(l["tier"], 0.0) + l["monthly_usd"]
        by_service[l["service"]] = by_service.get(l["service"], 0.0) + l["monthly_usd"]
    unpriced_types: dict[str, int] = {}
    for u in ctx.unpriced:
        unpriced_types[u["type"]] = unpriced_types.get(u["type"], 0) + 1
    usage_assumptions = _usage_assumptions(ctx, given_keys(profile), source)
    usage_text = [f"usage {a['key']} = {a['value']:g} ({a['source']}): {a['lines']} line(s), "
                  f"${a['monthly_usd']:,.2f}" for a in usage_assumptions]
    return {
        "region": cat.region,
        "requested_region": reg,
        "catalog_date": cat.date,
        "hours_per_month": cat.hours_per_month,
        "stack": stack,
        "lines": lines,
        "totals": {"baseline_usd": baseline, "usage_usd": usage_total, "total_usd": baseline + usage_total,
                   "peak_usd": peak},
        "by_tier": dict(sorted(by_tier.items(), key=lambda kv: -kv[1])),
        "by_service": dict(sorted(by_service.items(), key=lambda kv: -kv[1])),
        "unpriced": ctx.unpriced,
        "unpriced_types": unpriced_types,
        "free_types": dict(sorted(ctx.free.items())),
        "assumptions": ctx.assumptions + usage_text + cat.warnings,
        "usage_assumptions": usage_assumptions,
        "usage_source": source,
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
