"""Application Auto Scaling for one ECS service: the seed's numbers.

- scalable target: min/max task counts (prod 3..20);
- target tracking: CPU 70 %, memory 80 %, and ALB requests per target for public services
  (several target-tracking policies: scale out if any asks, scale in only if all agree);
- step scaling: +100 % capacity (30 s cooldown) on high CPU, -50 % (300 s cooldown) on low
  CPU, each triggered by its own CloudWatch alarm;
- optional business hours (dev): scale to 0 outside them, back at their start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..config.weekdays import next_days, parse_days, render_days

# Step-scaling alarm thresholds.  Out: well above the 70 % tracking target, so step scaling reacts
# to spikes tracking is too slow for.  In: clearly idle.
STEP_OUT_CPU_PERCENT = 85.0
STEP_IN_CPU_PERCENT = 20.0
STEP_OUT_EVALUATION_MINUTES = 1
STEP_IN_EVALUATION_MINUTES = 15

NAMESPACE, DIMENSION = "ecs", "ecs:service:DesiredCount"


@dataclass(frozen=True)
class ServiceScaling:
    """Task counts and autoscaling numbers of one service (the seed's by default)."""

    desired_count: int = 3
    """Tasks at deploy time; autoscaling owns the count after that."""
    min_count: int = 3
    """Autoscaling minimum."""
    max_count: int = 20
    """Autoscaling maximum."""
    cpu_target_percent: float = 70.0
    """Target-tracking average CPU utilisation."""
    memory_target_percent: float = 80.0
    """Target-tracking average memory utilisation."""
    requests_per_target: int = 1000
    """Target-tracking ALB requests per task (services behind the ALB)."""
    scale_out_percent: int = 100
    """Step scaling: capacity added on high CPU, in percent."""
    scale_out_cooldown_seconds: int = 30
    """Cooldown after a scale-out (step and tracking policies)."""
    scale_in_percent: int = 50
    """Step scaling: capacity removed on low CPU, in percent."""
    scale_in_cooldown_seconds: int = 300
    """Cooldown after a scale-in (step and tracking policies)."""


@dataclass(frozen=True)
class BusinessHours:
    """Run on some hours of some days of the week, scaled to zero otherwise."""

    days: str = "MON-FRI"
    """Cron day-of-week names, single or as ranges (MON-FRI, MON,WED,FRI)."""
    start_hour: int = 8
    """Hour (0-23) the service scales up on each of ``days``."""
    hours_per_day: int = 8
    """Hours it runs on each of ``days``; start_hour + hours_per_day is at most 24."""
    timezone: str = "UTC"
    """IANA time zone of the hours."""


@dataclass
class ScalingInputs:
    """What the autoscaling of one service needs."""

    stack: str
    cluster_name: str
    service_name: str
    scaling: ServiceScaling
    schedule: Optional[BusinessHours]
    """None = always on."""
    tags: dict[str, str]
    request_count_resource_label: Optional[pulumi.Input[str]] = None
    """``app/<alb>/<id>/targetgroup/<tg>/<id>`` for ALB request-count tracking; None = skip."""
    request_count_target_groups: list[pulumi.Input[str]] = field(default_factory=list)
    """Target group dimensions (``targetgroup/<tg>/<id>``) the service's traffic may be on.
    With two (an ECS canary pair, whose live group alternates between deployments) the
    request-count policy tracks the sum of both groups' RequestCountPerTarget."""

    @property
    def resource_id(self) -> str:
        return f"service/{self.cluster_name}/{self.service_name}"


def schedule_crons(hours: BusinessHours) -> tuple[str, str]:
    """(start, stop) Application Auto Scaling cron expressions on ``hours.days``."""
    end = hours.start_hour + hours.hours_per_day
    # Written back in one canonical form (MON,TUE,... = MON-...).
    days = parse_days(hours.days) or frozenset()
    start = f"cron(0 {hours.start_hour} ? * {render_days(days)} *)"
    # Ending at 24 means midnight of the next day, so the stop fires on the day after each running day.
    stop = (f"cron(0 {end} ? * {render_days(days)} *)" if end < 24
            else f"cron(0 0 ? * {render_days(next_days(days))} *)")
    return start, stop


def requests_over_both_groups(groups: list[pulumi.Input[str]]
                              ) -> aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationArgs:
    """RequestCountPerTarget summed over the canary pair, as a customized tracking metric.

    ECS shifts production traffic between the two groups at every deployment, so the
    predefined ALBRequestCountPerTarget (one group) would see nothing half of the time.
    Metric math with any CloudWatch function is allowed in target tracking (Application
    Auto Scaling user guide, "target tracking ... using metric math", read 2026-11)."""
    cfg = aws.appautoscaling
    metrics = [cfg.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricArgs(
        id=f"g{i}", return_data=False,
        metric_stat=cfg.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatArgs(
            stat="Sum",
            metric=cfg.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatMetricArgs(
                namespace="AWS/ApplicationELB", metric_name="RequestCountPerTarget",
                dimensions=[cfg.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatMetricDimensionArgs(
                    name="TargetGroup", value=group)])))
        for i, group in enumerate(groups, 1)]
    expression = " + ".join(f"FILL(g{i}, 0)" for i in range(1, len(metrics) + 1))
    metrics.append(cfg.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricArgs(
        id="requests", expression=expression, label="requests per target (both target groups)", return_data=True))
    return cfg.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationArgs(metrics=metrics)


def add_autoscaling(name: str, inp: ScalingInputs, service: aws.ecs.Service,
                    parent: pulumi.Resource) -> dict[str, pulumi.Resource]:
    """Create the scaling resources as children of ``parent``; returns them by role."""
    sc = inp.scaling
    # The schedule changes min/max at run time; do not fight it on the next `pulumi up`.
    ignore = ["minCapacity", "maxCapacity"] if inp.schedule is not None else []
    target = aws.appautoscaling.Target(
        f"{name}-scaling-target",
        service_namespace=NAMESPACE,
        scalable_dimension=DIMENSION,
        resource_id=inp.resource_id,
        min_capacity=sc.min_count,
        max_capacity=sc.max_count,
        # No schedule figures in the tags: the cost model reads the hours and the days from the
        # scheduled actions' crons (docs/cost.md, "Scheduled services").
        tags=inp.tags,
        # The service must exist before Application Auto Scaling accepts the target.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[service], ignore_changes=ignore),
    )
    on_target = pulumi.ResourceOptions(parent=parent, depends_on=[target])
    out: dict[str, pulumi.Resource] = {"target": target}
    out.update(_tracking_policies(name, inp, on_target))
    out.update(_step_scaling(name, inp, on_target, pulumi.ResourceOptions(parent=parent)))
    if inp.schedule is not None:
        out.update(_scheduled_actions(name, inp, inp.schedule, on_target))
    return out


def _tracking_policies(name: str, inp: ScalingInputs, opts: pulumi.ResourceOptions) -> dict[str, pulumi.Resource]:
    """CPU and memory target tracking, plus ALB requests per target where the service has a target group."""
    sc, out = inp.scaling, {}

    def tracking(role: str, value: float, metric: Optional[str] = None, label: Optional[pulumi.Input[str]] = None,
                 customized: Optional[aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationArgs] = None):
        """Target tracking on a predefined ``metric`` (with its resource ``label``) or a ``customized`` one."""
        predefined = None if metric is None else \
            aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                predefined_metric_type=metric, resource_label=label)
        out[role] = aws.appautoscaling.Policy(
            f"{name}-{role}",
            name=f"{inp.service_name}-{role}",
            policy_type="TargetTrackingScaling",
            service_namespace=NAMESPACE, scalable_dimension=DIMENSION, resource_id=inp.resource_id,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                target_value=value,
                predefined_metric_specification=predefined,
                customized_metric_specification=customized,
                scale_out_cooldown=sc.scale_out_cooldown_seconds,
                scale_in_cooldown=sc.scale_in_cooldown_seconds,
            ),
            opts=opts,
        )

    tracking("cpu-target", sc.cpu_target_percent, "ECSServiceAverageCPUUtilization")
    tracking("memory-target", sc.memory_target_percent, "ECSServiceAverageMemoryUtilization")
    if len(inp.request_count_target_groups) > 1:
        tracking("requests-target", float(sc.requests_per_target),
                 customized=requests_over_both_groups(inp.request_count_target_groups))
    elif inp.request_count_resource_label is not None:
        tracking("requests-target", float(sc.requests_per_target), "ALBRequestCountPerTarget",
                 inp.request_count_resource_label)
    return out


def _step_scaling(name: str, inp: ScalingInputs, on_target: pulumi.ResourceOptions,
                  child: pulumi.ResourceOptions) -> dict[str, pulumi.Resource]:
    """Step policies out and in, each triggered by its own CPU alarm."""
    sc, out = inp.scaling, {}

    def step(role: str, percent: int, cooldown: int, upper: bool) -> aws.appautoscaling.Policy:
        # Bounds are relative to the alarm threshold: out acts at/above it, in at/below it.
        adj = aws.appautoscaling.PolicyStepScalingPolicyConfigurationStepAdjustmentArgs(
            scaling_adjustment=percent if upper else -percent,
            metric_interval_lower_bound="0" if upper else None,
            metric_interval_upper_bound=None if upper else "0",
        )
        out[role] = aws.appautoscaling.Policy(
            f"{name}-{role}",
            name=f"{inp.service_name}-{role}",
            policy_type="StepScaling",
            service_namespace=NAMESPACE, scalable_dimension=DIMENSION, resource_id=inp.resource_id,
            step_scaling_policy_configuration=aws.appautoscaling.PolicyStepScalingPolicyConfigurationArgs(
                adjustment_type="PercentChangeInCapacity",
                cooldown=cooldown,
                metric_aggregation_type="Average",
                # A percentage of a small service rounds to 0; always move at least one task.
                min_adjustment_magnitude=1,
                step_adjustments=[adj],
            ),
            opts=on_target,
        )
        return out[role]

    step_out = step("step-out", sc.scale_out_percent, sc.scale_out_cooldown_seconds, upper=True)
    step_in = step("step-in", sc.scale_in_percent, sc.scale_in_cooldown_seconds, upper=False)

    dims = {"ClusterName": inp.cluster_name, "ServiceName": inp.service_name}

    # Named "<stack>-<service>-scale-*": never collides with the observability tier's
    # "<stack>-<service>-cpu-high" (naming.service_alarm_names).
    def cpu_alarm(direction: str, operator: str, threshold: float, minutes: int,
                  policy: aws.appautoscaling.Policy, action: str) -> None:
        out[f"step-{direction}-alarm"] = aws.cloudwatch.MetricAlarm(
            f"{name}-scale-{direction}-alarm",
            name=f"{inp.stack}-{inp.service_name}-scale-{direction}-cpu",
            alarm_description=f"{inp.service_name}: CPU {operator} {threshold:g} % - {action} (step scaling)",
            namespace="AWS/ECS", metric_name="CPUUtilization", dimensions=dims, statistic="Average",
            period=60, evaluation_periods=minutes, threshold=threshold,
            comparison_operator=("GreaterThanOrEqualToThreshold" if operator == ">=" else "LessThanOrEqualToThreshold"),
            treat_missing_data="notBreaching",
            alarm_actions=[policy.arn],
            tags=inp.tags,
            opts=child,
        )

    cpu_alarm("out", ">=", STEP_OUT_CPU_PERCENT, STEP_OUT_EVALUATION_MINUTES, step_out,
              f"add {sc.scale_out_percent} % tasks")
    cpu_alarm("in", "<=", STEP_IN_CPU_PERCENT, STEP_IN_EVALUATION_MINUTES, step_in,
              f"remove {sc.scale_in_percent} % tasks")
    return out


def _scheduled_actions(name: str, inp: ScalingInputs, hours: BusinessHours,
                       opts: pulumi.ResourceOptions) -> dict[str, pulumi.Resource]:
    """Scale to 0 at the end of the hours, back to min/max at their start."""
    sc, out = inp.scaling, {}
    start, stop = schedule_crons(hours)
    for role, cron, lo, hi in (("stop", stop, 0, 0), ("start", start, sc.min_count, sc.max_count)):
        out[f"schedule-{role}"] = aws.appautoscaling.ScheduledAction(
            f"{name}-schedule-{role}",
            name=f"{inp.stack}-{inp.service_name}-{role}",
            service_namespace=NAMESPACE, scalable_dimension=DIMENSION, resource_id=inp.resource_id,
            schedule=cron,
            timezone=hours.timezone,
            scalable_target_action=aws.appautoscaling.ScheduledActionScalableTargetActionArgs(
                min_capacity=lo, max_capacity=hi),
            opts=opts,
        )
    return out


__all__ = ["BusinessHours", "ScalingInputs", "ServiceScaling", "add_autoscaling", "schedule_crons",
           "STEP_OUT_CPU_PERCENT", "STEP_IN_CPU_PERCENT"]
