"""Compute tier: ECS services on Fargate (tasks priced through their task definition), the
Secrets Manager secrets ECS creates for Service Connect TLS, Cloud Map instances, and the
Container Insights metrics of the cluster.

Task counts and hours come from ``capacity.py`` (scalable target, scheduled actions).
"""

from __future__ import annotations

import re
from typing import Optional

from ..context import EstimateContext
from ..priced import prices
from ..resources import Res, known_list, num, tags_of, truthy

_TD_ARN_RE = re.compile(r"task-definition/([^:/]+)(?::\d+)?$")
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"


def find_task_definition(ctx: EstimateContext, svc: Res) -> Optional[Res]:
    """The service's task definition: its taskDefinition dependency, else the ARN or family it names, else
    any task definition it depends on."""
    td = ctx.built_from(svc, "taskDefinition", TASK_DEFINITION)
    if td is not None:
        return td
    ref = svc.inputs.get("taskDefinition")
    if isinstance(ref, str) and ref:
        tds = ctx.of_type(TASK_DEFINITION)
        m = _TD_ARN_RE.search(ref)
        key = m.group(1) if m else ref.split(":")[0]
        for td in tds:  # family first (it is the ARN's name part), then the resource name
            if td.inputs.get("family") == key or td.inputs.get("arn") == ref:
                return td
        for td in tds:
            if td.name == key or key.startswith(td.name + "-") or ref.endswith("/" + td.name):
                return td
    return ctx.built_from(svc, None, TASK_DEFINITION)


def _spot_share(svc: Res) -> float:
    """Share of the service's tasks on FARGATE_SPOT (capacity provider weights)."""
    strategies = known_list(svc.inputs.get("capacityProviderStrategies")) or []
    weights = {s.get("capacityProvider"): num(s.get("weight"), 0) or 0 for s in strategies if isinstance(s, dict)}
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return weights.get("FARGATE_SPOT", 0) / total


def tls_services(svc: Res) -> int:
    """Service Connect endpoints of the service with TLS on (each gets an ECS-managed secret)."""
    sc = svc.inputs.get("serviceConnectConfiguration") or {}
    if not truthy(sc.get("enabled")):
        return 0
    return sum(1 for s in known_list(sc.get("services")) or [] if isinstance(s, dict) and s.get("tls"))


@prices(SERVICE)
def _ecs_service(ctx: EstimateContext, svc: Res) -> None:
    td = find_task_definition(ctx, svc)
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
    cap = ctx.capacity[svc.urn]
    count, peak, hours = cap.expected_tasks, cap.peak_tasks, cap.hours
    arch = (td.inputs.get("runtimePlatform") or {}).get("cpuArchitecture") or "X86_64"
    spot_share = _spot_share(svc)
    vcpu, gb = cpu / 1024.0, mem / 1024.0
    base_attrs = {"service_urn": svc.urn, "arch": arch, "tasks": count, "peak_tasks": peak, "hours": hours,
                  "vcpu": vcpu, "gb": gb, "scheduled": cap.scheduled,
                  "critical": str(tags_of(svc.inputs).get("critical", "")).lower()}
    sched_txt = f", {hours:g} h" if cap.scheduled else ""
    # A load generator's hours come from the usage profile (runs a month): usage lines.
    how = {"kind": "usage", "usage": cap.usage} if cap.usage else {}
    od = 1.0 - spot_share
    if od > 0:
        q, pq = count * od, peak * od
        ctx.add(svc, f"Fargate vCPU ({arch}, {q:g} task(s) x {vcpu:g} vCPU{sched_txt})", q * vcpu * hours,
                "vCPU-hour", f"fargate/vcpu-hour/{arch}", attrs={**base_attrs, "part": "vcpu", "spot": False},
                resource=svc.name, peak=pq * vcpu * hours, basis=cap.basis, **how)
        ctx.add(svc, f"Fargate memory ({arch}, {q:g} task(s) x {gb:g} GB{sched_txt})", q * gb * hours,
                "GB-hour", f"fargate/gb-hour/{arch}", attrs={**base_attrs, "part": "gb", "spot": False},
                resource=svc.name, peak=pq * gb * hours, basis=cap.basis, **how)
    if spot_share > 0:
        disc = ctx.cat.usd("fargate/spot-discount") or 0.0
        q, pq = count * spot_share, peak * spot_share
        ctx.assume(f"Fargate Spot priced at x86 on-demand less {disc:.0%} (planning figure; AWS: up to 70%)")
        for part, key, size, unit in (("vcpu", "fargate/vcpu-hour/X86_64", vcpu, "vCPU-hour"),
                                      ("gb", "fargate/gb-hour/X86_64", gb, "GB-hour")):
            ctx.add(svc, f"Fargate Spot {part} (X86_64, {q:g} task(s){sched_txt})", q * size * hours, unit,
                    key, attrs={**base_attrs, "part": part, "spot": True}, resource=svc.name,
                    peak=pq * size * hours, factor=1 - disc, rule=f"Spot = on-demand x (1 - {disc:g})",
                    basis=cap.basis, **how)
    eph = num((td.inputs.get("ephemeralStorage") or {}).get("sizeInGib"))
    included = ctx.cat.fact("fargate/ephemeral-included-gb")
    if eph is not None and eph > included:
        extra = eph - included
        ctx.add(svc, f"Fargate ephemeral storage above {included:g} GB ({extra:g} GB x {count:g} task(s))",
                count * extra * hours, "GB-hour", "fargate/ephemeral-gb-hour", resource=svc.name,
                peak=peak * extra * hours, attrs={"service_urn": svc.urn, "part": "ephemeral"}, basis=cap.basis,
                **how)
    sc = svc.inputs.get("serviceConnectConfiguration") or {}
    if truthy(sc.get("enabled")) and sc.get("services"):
        ctx.add(svc, "Cloud Map registered instances (Service Connect)", count * hours / ctx.hours,
                "instance-month", "cloudmap/registered-instance-month", attrs={"service_urn": svc.urn},
                resource=svc.name, peak=peak * hours / ctx.hours, basis=cap.basis, **how)
    n_tls = tls_services(svc)
    if n_tls:
        # ECS keeps each TLS endpoint's private key in a Secrets Manager secret it manages (Amazon ECS
        # developer guide, "Service Connect TLS"; the managed TLS infrastructure policy grants ECS
        # Secrets Manager access for it). The secret exists while the service does: a full month.
        ctx.add(svc, f"Secrets Manager secret(s) ECS creates for Service Connect TLS ({n_tls})", n_tls,
                "secret-month", "secretsmanager/secret-month", resource=svc.name,
                attrs={"service_urn": svc.urn, "part": "sc-tls-secret"})


def _insights_mode(cluster: Res) -> str:
    for s in known_list(cluster.inputs.get("settings")) or []:
        if isinstance(s, dict) and s.get("name") == "containerInsights":
            return str(s.get("value") or "disabled")
    return "disabled"


def _services_of(ctx: EstimateContext, cluster: Res) -> list[Res]:
    clusters = ctx.of_type("aws:ecs/cluster:Cluster")
    name = cluster.inputs.get("name") or cluster.name
    out = []
    for svc in ctx.of_type(SERVICE):
        ref = svc.inputs.get("cluster")
        deps = svc.property_dependencies.get("cluster", [])
        if cluster.urn in deps or (isinstance(ref, str) and (ref == cluster.inputs.get("arn")
                                                              or ref.endswith(f"/{name}") or ref == name)):
            out.append(svc)
        elif len(clusters) == 1 and not deps and not isinstance(ref, str):
            out.append(svc)
    return out


@prices("aws:ecs/cluster:Cluster")
def _ecs_cluster(ctx: EstimateContext, cluster: Res) -> None:
    """Container Insights (standard): CloudWatch custom metrics per cluster, service and task family,
    each billed for the hours it is published - while the service has running tasks.  The cluster's
    metrics too: they "only reflect the resources with running tasks", and a cluster whose service
    runs no task sends none (Amazon ECS developer guide, "Amazon ECS CloudWatch Container Insights",
    read 2026-11), so under a schedule they follow the longest-running service."""
    mode = _insights_mode(cluster).lower()
    if mode == "disabled":
        ctx.count_free("aws:ecs/cluster:Cluster (Container Insights off)")
        return
    if mode != "enabled":
        ctx.not_priced(cluster, f"Container Insights '{mode}' (enhanced observability is billed per "
                                f"observation) is not in the catalog")
        return
    services = _services_of(ctx, cluster)
    per_cluster = ctx.cat.fact("cloudwatch/container-insights/metrics-per-cluster")
    per_service = ctx.cat.fact("cloudwatch/container-insights/metrics-per-service")
    per_family = ctx.cat.fact("cloudwatch/container-insights/metrics-per-task-family")
    on = {s.urn: (ctx.capacity[s.urn].hours / ctx.hours if s.urn in ctx.capacity else 1.0) for s in services}
    families: dict[str, float] = {}
    for s in services:
        td = find_task_definition(ctx, s)
        fam = (td.inputs.get("family") or td.name) if td is not None else s.name
        families[fam] = max(families.get(fam, 0.0), on[s.urn])
    metric_months = (per_cluster * max(on.values(), default=1.0) + per_service * sum(on.values())
                     + per_family * sum(families.values()))
    ctx.add(cluster, f"Container Insights metrics ({per_cluster:g} cluster + {per_service:g} x {len(services)} "
                     f"service(s) + {per_family:g} x {len(families)} task family(ies))", metric_months,
            "metric-month", "cloudwatch/metric-month", attrs={"part": "container-insights"},
            basis="metrics billed for the hours their service runs" if any(v < 1 for v in on.values()) else "")
