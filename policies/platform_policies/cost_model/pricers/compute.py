"""Compute tier: ECS services on Fargate (tasks priced through their task definition).

A service that an Application Auto Scaling scheduled action scales to 0 runs only the
usage profile's schedule hours (:func:`scaled_to_zero`).
"""

from __future__ import annotations

import re
from typing import Optional

from ..context import EstimateContext
from ..registry import prices
from ..resources import Res, known_list, num, tags_of, truthy


_TD_ARN_RE = re.compile(r"task-definition/([^:/]+)(?::\d+)?$")


def _find_task_definition(ctx: EstimateContext, svc: Res) -> Optional[Res]:
    for urn in svc.property_dependencies.get("taskDefinition", []):
        r = ctx.by_urn.get(urn)
        if r is not None and r.type == "aws:ecs/taskDefinition:TaskDefinition":
            return r
    ref = svc.inputs.get("taskDefinition")
    if isinstance(ref, str) and ref:
        tds = [r for r in ctx.resources if r.type == "aws:ecs/taskDefinition:TaskDefinition"]
        m = _TD_ARN_RE.search(ref)
        key = m.group(1) if m else ref.split(":")[0]
        for td in tds:  # family first (it is the ARN's name part), then the resource name
            if td.inputs.get("family") == key or td.inputs.get("arn") == ref:
                return td
        for td in tds:
            if td.name == key or key.startswith(td.name + "-") or ref.endswith("/" + td.name):
                return td
    for urn in svc.dependencies:
        r = ctx.by_urn.get(urn)
        if r is not None and r.type == "aws:ecs/taskDefinition:TaskDefinition":
            return r
    return None


def scaled_to_zero(ctx: EstimateContext) -> set[str]:
    """URNs of ECS services that a scheduled action scales to 0 (business-hours schedule)."""
    services = [r for r in ctx.resources if r.type == "aws:ecs/service:Service"]
    out: set[str] = set()

    def match_id(resource_id: str) -> list[str]:
        parts = resource_id.split("/")
        if len(parts) != 3 or parts[0] != "service":
            return []
        name = parts[2]
        hits = []
        for s in services:
            explicit = s.inputs.get("name")
            if (explicit and explicit == name) or s.name == name or name.startswith(s.name + "-"):
                hits.append(s.urn)
        return hits

    def via_deps(r: Res, depth: int = 0) -> list[str]:
        hits = []
        for urn in r.property_dependencies.get("resourceId", []):
            d = ctx.by_urn.get(urn)
            if d is None:
                continue
            if d.type == "aws:ecs/service:Service":
                hits.append(d.urn)
            elif d.type == "aws:appautoscaling/target:Target" and depth < 2:
                rid = d.inputs.get("resourceId")
                hits.extend(match_id(rid) if isinstance(rid, str) else via_deps(d, depth + 1))
        return hits

    for r in ctx.resources:
        if r.type != "aws:appautoscaling/scheduledAction:ScheduledAction":
            continue
        action = r.inputs.get("scalableTargetAction") or {}
        if num(action.get("maxCapacity")) != 0:
            continue
        rid = r.inputs.get("resourceId")
        hits = match_id(rid) if isinstance(rid, str) else []
        out.update(hits or via_deps(r))
    return out


def _spot_share(svc: Res) -> float:
    """Share of the service's tasks on FARGATE_SPOT (capacity provider weights)."""
    strategies = known_list(svc.inputs.get("capacityProviderStrategies")) or []
    weights = {s.get("capacityProvider"): num(s.get("weight"), 0) or 0 for s in strategies if isinstance(s, dict)}
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return weights.get("FARGATE_SPOT", 0) / total


@prices("aws:ecs/service:Service")
def _ecs_service(ctx: EstimateContext, svc: Res) -> None:
    td = _find_task_definition(ctx, svc)
    if td is None:
        ctx.not_priced(svc, "task definition not found (taskDefinition input unresolved); tasks not priced")
        return
    launch = svc.inputs.get("launchType")
    if launch == "EC2" or launch == "EXTERNAL":
        ctx.not_priced(svc, f"launchType {launch}: capacity is priced on the instances, not modelled")
        return
    osf = ((td.inputs.get("runtimePlatform") or {}).get("operatingSystemFamily") or "LINUX")
    if osf != "LINUX":
        ctx.not_priced(svc, f"Fargate {osf} tasks are not in the catalog")
        return
    cpu, mem = num(td.inputs.get("cpu")), num(td.inputs.get("memory"))
    if cpu is None or mem is None:
        ctx.not_priced(svc, f"task definition {td.name} has no task-level cpu/memory")
        return
    count = num(svc.inputs.get("desiredCount"))
    if count is None:
        count = 0.0
        ctx.assume(f"{svc.name}: desiredCount not set - priced at 0 tasks (the AWS provider default)")
    arch = (td.inputs.get("runtimePlatform") or {}).get("cpuArchitecture") or "X86_64"
    scheduled = svc.urn in ctx.scheduled
    hours = ctx.sched_hours if scheduled else ctx.hours
    if scheduled:
        ctx.assume(f"scaled-to-zero services run {ctx.sched_desc} (from usage schedule)")
    spot_share = _spot_share(svc)
    vcpu, gb = cpu / 1024.0, mem / 1024.0
    base_attrs = {"service_urn": svc.urn, "arch": arch, "tasks": count, "hours": hours, "vcpu": vcpu,
                  "gb": gb, "scheduled": scheduled, "critical": str(tags_of(svc.inputs).get("critical", "")).lower()}
    od = 1.0 - spot_share
    sched_txt = f", {hours:g} h" if scheduled else ""
    if od > 0:
        q = count * od
        ctx.add(svc, f"Fargate vCPU ({arch}, {q:g} task(s) x {vcpu:g} vCPU{sched_txt})", q * vcpu * hours,
                "vCPU-hour", f"fargate/vcpu-hour/{arch}", attrs={**base_attrs, "part": "vcpu", "spot": False},
                resource=svc.name)
        ctx.add(svc, f"Fargate memory ({arch}, {q:g} task(s) x {gb:g} GB{sched_txt})", q * gb * hours,
                "GB-hour", f"fargate/gb-hour/{arch}", attrs={**base_attrs, "part": "gb", "spot": False},
                resource=svc.name)
    if spot_share > 0:
        disc = ctx.cat.usd("fargate/spot-discount") or 0.0
        q = count * spot_share
        ctx.assume(f"Fargate Spot priced at x86 on-demand less {disc:.0%} (assumed; AWS: up to 70%)")
        for part, key, size, unit in (("vcpu", "fargate/vcpu-hour/X86_64", vcpu, "vCPU-hour"),
                                      ("gb", "fargate/gb-hour/X86_64", gb, "GB-hour")):
            line = ctx.add(svc, f"Fargate Spot {part} (X86_64, {q:g} task(s){sched_txt})", q * size * hours, unit,
                           key, attrs={**base_attrs, "part": part, "spot": True}, resource=svc.name)
            if line:
                line["unit_price"] *= (1 - disc)
                line["monthly_usd"] = line["quantity"] * line["unit_price"]
    sc = svc.inputs.get("serviceConnectConfiguration") or {}
    if truthy(sc.get("enabled")) and sc.get("services"):
        ctx.add(svc, "Cloud Map registered instances (Service Connect)", count * hours / ctx.hours,
                "instance-month", "cloudmap/registered-instance-month", attrs={"service_urn": svc.urn},
                resource=svc.name)
