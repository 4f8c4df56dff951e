"""Read what Application Auto Scaling would run from a recorded plan (``record_plan``).

Everything comes from the plan's resources, never from settings, so the rehearsal judges
exactly what would deploy: per ECS service its scalable target (min/max), target-tracking
and step policies (with the CloudWatch alarms that invoke the step policies, matched through
the resource graph), scheduled actions, task size (task definition cpu/memory), the ALB
target group's health check, and the seed's latency alarm (ALB TargetResponseTime).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Optional

TARGET = "aws:appautoscaling/target:Target"
POLICY = "aws:appautoscaling/policy:Policy"
SCHEDULED = "aws:appautoscaling/scheduledAction:ScheduledAction"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SERVICE = "aws:ecs/service:Service"
TASK_DEF = "aws:ecs/taskDefinition:TaskDefinition"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"

# Predefined target-tracking metrics of ECS services -> the simulator's metric kinds.
PREDEFINED = {"ECSServiceAverageCPUUtilization": "cpu", "ECSServiceAverageMemoryUtilization": "memory",
              "ALBRequestCountPerTarget": "requests"}
# Step-scaling alarms on these AWS/ECS metrics can be simulated.
ALARM_METRICS = {"CPUUtilization": "cpu", "MemoryUtilization": "memory"}


class PlanError(ValueError):
    """The plan lacks something the rehearsal needs (message names the resource)."""


@dataclass(frozen=True)
class TrackingPolicy:
    name: str
    metric: str               # cpu | memory | requests
    target: float
    scale_out_cooldown: float
    scale_in_cooldown: float
    disable_scale_in: bool = False


@dataclass(frozen=True)
class Step:
    lower: Optional[float]    # bounds relative to the alarm threshold; None = infinite
    upper: Optional[float]
    adjustment: float


@dataclass(frozen=True)
class Alarm:
    name: str
    metric: str               # cpu | memory
    threshold: float
    operator: str             # GreaterThanOrEqualToThreshold, ...
    period: int               # seconds
    evaluation_periods: int
    datapoints_to_alarm: int


@dataclass(frozen=True)
class StepPolicy:
    name: str
    adjustment_type: str      # PercentChangeInCapacity | ChangeInCapacity | ExactCapacity
    cooldown: float
    min_adjustment_magnitude: int
    steps: tuple[Step, ...]
    alarms: tuple[Alarm, ...]


@dataclass(frozen=True)
class ScheduledAction:
    name: str
    schedule: str             # cron(...) | at(...) | rate(...)
    timezone: str
    min_capacity: Optional[int]
    max_capacity: Optional[int]


@dataclass(frozen=True)
class HealthCheck:
    interval: float
    healthy_threshold: int


@dataclass(frozen=True)
class ServiceModel:
    """One ECS service as the plan would deploy it."""

    service: str
    resource_id: str
    cpu_units: int
    memory_mib: int
    arch: str
    desired: int
    min_capacity: int
    max_capacity: int
    tracking: tuple[TrackingPolicy, ...]
    step: tuple[StepPolicy, ...]
    scheduled: tuple[ScheduledAction, ...] = ()
    health_check: Optional[HealthCheck] = None
    service_urn: str = ""

    def with_changes(self, **kw: Any) -> "ServiceModel":
        return replace(self, **kw)


@dataclass(frozen=True)
class LatencyAlarm:
    """The seed's latency alarm: ALB TargetResponseTime above ``threshold`` seconds."""

    name: str
    statistic: str            # Average | p99 | ...
    threshold: float
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int


@dataclass
class PlanModel:
    stack: str
    region: str
    services: list[ServiceModel]
    latency_alarm: Optional[LatencyAlarm]
    notes: list[str] = field(default_factory=list)


def _num(value: Any, default: Optional[float] = None) -> Optional[float]:
    if isinstance(value, bool):
        return default
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


def _bound(value: Any) -> Optional[float]:
    return None if value is None or value == "" else _num(value)


def _tracking(res: dict[str, Any]) -> TrackingPolicy:
    cfg = res["inputs"].get("targetTrackingScalingPolicyConfiguration") or {}
    pre = (cfg.get("predefinedMetricSpecification") or {}).get("predefinedMetricType")
    metric = PREDEFINED.get(pre or "")
    if metric is None:
        names = {((m.get("metricStat") or {}).get("metric") or {}).get("metricName")
                 for m in (cfg.get("customizedMetricSpecification") or {}).get("metrics") or []}
        custom = (cfg.get("customizedMetricSpecification") or {}).get("metricName")
        names.add(custom)
        if "RequestCountPerTarget" in names:
            metric = "requests"   # e.g. the canary pair's sum over both target groups
        elif "CPUUtilization" in names:
            metric = "cpu"
        elif "MemoryUtilization" in names:
            metric = "memory"
        else:
            raise PlanError(f"{res['name']}: target-tracking metric {pre or sorted(n for n in names if n)} "
                            "is not one the rehearsal models (CPU, memory, ALB requests per target)")
    # 300 s: the documented default of both cooldowns for ECS services (API reference,
    # TargetTrackingScalingPolicyConfiguration, read 2026-11).
    return TrackingPolicy(name=res["inputs"].get("name") or res["name"], metric=metric,
                          target=float(_num(cfg.get("targetValue"), 0.0) or 0.0),
                          scale_out_cooldown=float(_num(cfg.get("scaleOutCooldown"), 300.0)),
                          scale_in_cooldown=float(_num(cfg.get("scaleInCooldown"), 300.0)),
                          disable_scale_in=bool(cfg.get("disableScaleIn")))


def _alarm(res: dict[str, Any]) -> Optional[Alarm]:
    i = res["inputs"]
    metric = ALARM_METRICS.get(i.get("metricName") or "")
    if metric is None or i.get("namespace") != "AWS/ECS":
        return None
    evaluation = int(_num(i.get("evaluationPeriods"), 1) or 1)
    return Alarm(name=i.get("name") or res["name"], metric=metric, threshold=float(_num(i.get("threshold"), 0) or 0),
                 operator=i.get("comparisonOperator") or "GreaterThanOrEqualToThreshold",
                 period=int(_num(i.get("period"), 60) or 60), evaluation_periods=evaluation,
                 datapoints_to_alarm=int(_num(i.get("datapointsToAlarm"), evaluation) or evaluation))


def _invokes(alarm: dict[str, Any], policy: dict[str, Any]) -> bool:
    """Whether ``alarm`` invokes ``policy``: through the resource graph (the alarmActions input
    depends on the policy), else by the policy's name in an action ARN (mock ARNs carry it)."""
    deps = (alarm.get("propertyDependencies") or {}).get("alarmActions") or []
    if policy["urn"] in deps:
        return True
    actions = [a for a in alarm["inputs"].get("alarmActions") or [] if isinstance(a, str)]
    names = {policy["name"], policy["inputs"].get("name") or policy["name"]}
    return any(re.search(rf"[:/]{re.escape(n)}(/|$)", a) for a in actions for n in names)


def _step(res: dict[str, Any], alarms: list[dict[str, Any]]) -> StepPolicy:
    cfg = res["inputs"].get("stepScalingPolicyConfiguration") or {}
    steps = tuple(Step(_bound(s.get("metricIntervalLowerBound")), _bound(s.get("metricIntervalUpperBound")),
                       float(_num(s.get("scalingAdjustment"), 0) or 0)) for s in cfg.get("stepAdjustments") or [])
    linked = tuple(a for a in (_alarm(r) for r in alarms if _invokes(r, res)) if a is not None)
    return StepPolicy(name=res["inputs"].get("name") or res["name"],
                      adjustment_type=cfg.get("adjustmentType") or "ChangeInCapacity",
                      cooldown=float(_num(cfg.get("cooldown"), 300.0)),   # documented default 300 s
                      min_adjustment_magnitude=int(_num(cfg.get("minAdjustmentMagnitude"), 0) or 0),
                      steps=steps, alarms=linked)


def _task_definition(svc: dict[str, Any], by_urn: dict[str, dict[str, Any]],
                     tds: list[dict[str, Any]]) -> Optional[dict[str, Any]]:
    for urn in (svc.get("propertyDependencies") or {}).get("taskDefinition") or []:
        if by_urn.get(urn, {}).get("type") == TASK_DEF:
            return by_urn[urn]
    ref = svc["inputs"].get("taskDefinition") or ""
    m = re.search(r"task-definition/([^:/]+)", ref) if isinstance(ref, str) else None
    for td in tds:
        if m and td["inputs"].get("family") == m.group(1):
            return td
    return None


def _health_check(svc: dict[str, Any], by_urn: dict[str, dict[str, Any]]) -> Optional[HealthCheck]:
    lbs = svc["inputs"].get("loadBalancers") or []
    if not lbs:
        return None
    arn = lbs[0].get("targetGroupArn") or ""
    groups = [by_urn[u] for u in (svc.get("propertyDependencies") or {}).get("loadBalancers") or []
              if by_urn.get(u, {}).get("type") == TARGET_GROUP]
    # The production group: the one whose name is in the ARN (mock ARNs carry it), else the first.
    group = next((g for g in groups if f"targetgroup/{g['name']}-" in arn or f"targetgroup/{g['name']}/" in arn),
                 groups[0] if groups else None)
    hc = (group or {}).get("inputs", {}).get("healthCheck") or {}
    # ELB defaults when the plan leaves them out: interval 30 s, healthy threshold 5 (ELB API
    # reference, CreateTargetGroup, HTTP/HTTPS target groups, read 2026-11).
    return HealthCheck(interval=float(_num(hc.get("interval"), 30.0)),
                       healthy_threshold=int(_num(hc.get("healthyThreshold"), 5) or 5))


def _latency_alarm(alarms: list[dict[str, Any]]) -> Optional[LatencyAlarm]:
    for r in alarms:
        i = r["inputs"]
        if i.get("metricName") == "TargetResponseTime" and i.get("namespace") == "AWS/ApplicationELB":
            evaluation = int(_num(i.get("evaluationPeriods"), 1) or 1)
            return LatencyAlarm(name=i.get("name") or r["name"],
                                statistic=i.get("extendedStatistic") or i.get("statistic") or "Average",
                                threshold=float(_num(i.get("threshold"), 1.0) or 1.0),
                                period=int(_num(i.get("period"), 60) or 60), evaluation_periods=evaluation,
                                datapoints_to_alarm=int(_num(i.get("datapointsToAlarm"), evaluation) or evaluation))
    return None


def read_plan(plan: dict[str, Any]) -> PlanModel:
    """The scaling configuration of every ECS service in ``plan`` (a ``record_plan`` dict)."""
    resources = plan.get("resources") or []
    by_urn = {r["urn"]: r for r in resources}
    of = lambda t: [r for r in resources if r.get("type") == t]   # noqa: E731
    alarms, tds = of(ALARM), of(TASK_DEF)
    targets = {r["inputs"].get("resourceId"): r for r in of(TARGET) if r["inputs"].get("serviceNamespace") == "ecs"}
    policies: dict[str, list[dict[str, Any]]] = {}
    for r in of(POLICY):
        policies.setdefault(r["inputs"].get("resourceId"), []).append(r)
    scheduled: dict[str, list[dict[str, Any]]] = {}
    for r in of(SCHEDULED):
        scheduled.setdefault(r["inputs"].get("resourceId"), []).append(r)
    notes: list[str] = []
    services: list[ServiceModel] = []
    for svc in sorted(of(SERVICE), key=lambda r: r["inputs"].get("name") or r["name"]):
        name = svc["inputs"].get("name") or svc["name"]
        cluster = svc["inputs"].get("cluster") or ""
        cluster_name = cluster.rsplit("/", 1)[-1] if isinstance(cluster, str) else ""
        rid = next((k for k in targets if isinstance(k, str) and k.endswith(f"/{name}")
                    and (not cluster_name or k == f"service/{cluster_name}/{name}")), None)
        td = _task_definition(svc, by_urn, tds)
        if td is None:
            raise PlanError(f"{svc['name']}: no task definition found in the plan")
        cpu, mem = _num(td["inputs"].get("cpu")), _num(td["inputs"].get("memory"))
        if not cpu or not mem:
            raise PlanError(f"{td['name']}: no task-level cpu/memory")
        desired = int(_num(svc["inputs"].get("desiredCount"), 1) or 0)
        if rid is None:
            notes.append(f"{name}: no scalable target in the plan; rehearsed at a fixed {desired} task(s)")
            tgt_min = tgt_max = desired
            pols: list[dict[str, Any]] = []
        else:
            t = targets[rid]["inputs"]
            tgt_min, tgt_max = int(_num(t.get("minCapacity"), 0) or 0), int(_num(t.get("maxCapacity"), 0) or 0)
            pols = policies.get(rid, [])
        tracking = tuple(_tracking(p) for p in pols if p["inputs"].get("policyType") == "TargetTrackingScaling")
        step = tuple(_step(p, alarms) for p in pols if p["inputs"].get("policyType") == "StepScaling")
        for s in step:
            if not s.alarms:
                notes.append(f"{name}: step policy {s.name} has no CloudWatch alarm on an ECS metric that invokes it; "
                             "it never runs in the rehearsal")
        sched = tuple(ScheduledAction(
            name=r["inputs"].get("name") or r["name"], schedule=r["inputs"].get("schedule") or "",
            timezone=r["inputs"].get("timezone") or "UTC",
            min_capacity=None if (r["inputs"].get("scalableTargetAction") or {}).get("minCapacity") is None
            else int(r["inputs"]["scalableTargetAction"]["minCapacity"]),
            max_capacity=None if (r["inputs"].get("scalableTargetAction") or {}).get("maxCapacity") is None
            else int(r["inputs"]["scalableTargetAction"]["maxCapacity"]))
            for r in scheduled.get(rid, []))
        arch = (td["inputs"].get("runtimePlatform") or {}).get("cpuArchitecture") or "X86_64"
        services.append(ServiceModel(
            service=name, resource_id=rid or f"service/{cluster_name}/{name}", cpu_units=int(cpu), memory_mib=int(mem),
            arch=arch, desired=desired, min_capacity=tgt_min, max_capacity=tgt_max, tracking=tracking, step=step,
            scheduled=sched, health_check=_health_check(svc, by_urn), service_urn=svc["urn"]))
    return PlanModel(stack=plan.get("stack") or "", region=plan.get("region") or "us-east-1", services=services,
                     latency_alarm=_latency_alarm(alarms), notes=notes)
