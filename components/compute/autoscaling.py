"""Application Auto Scaling for one ECS service: the seed's numbers.

- scalable target: min/max task counts (prod 3..20);
- target tracking: CPU 70 %, memory 80 %, and ALB requests per target for public services
  (several target-tracking policies: scale out if any asks, scale in only if all agree);
- step scaling: +100 % capacity (30 s cooldown) on high CPU, -50 % (300 s cooldown) on low
  CPU, each triggered by its own CloudWatch alarm;
- optional business-hours schedule (dev): scale to 0 outside working hours, back at start, on
  the days of ``schedule.days``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..config.settings import ScalingSettings, ScheduleSettings
from ..config.weekdays import next_days, parse_days, render_days

# Step-scaling alarm thresholds (no settings key yet; wanted: scaling.stepOutCpuPercent,
# scaling.stepInCpuPercent).  Out: well above the 70 % tracking target, so step scaling
# reacts to spikes tracking is too slow for.  In: clearly idle.
STEP_OUT_CPU_PERCENT = 85.0
STEP_IN_CPU_PERCENT = 20.0
STEP_OUT_EVALUATION_MINUTES = 1
STEP_IN_EVALUATION_MINUTES = 15


@dataclass
class ScalingInputs:
    """What the autoscaling of one service needs."""

    stack: str
    cluster_name: str
    service_name: str
    scaling: ScalingSettings
    schedule: ScheduleSettings
    tags: dict[str, str]
    request_count_resource_label: Optional[pulumi.Input[str]] = None
    """``app/<alb>/<id>/targetgroup/<tg>/<id>`` for ALB request-count tracking; None = skip."""
    request_count_target_groups: list[pulumi.Input[str]] = field(default_factory=list)
    """Target group dimensions (``targetgroup/<tg>/<id>``) the service's traffic may be on.
    With two (an ECS canary pair, whose live group alternates between deployments) the
    request-count policy tracks the sum of both groups' RequestCountPerTarget."""


def schedule_crons(schedule: ScheduleSettings) -> tuple[str, str]:
    """(start, stop) Application Auto Scaling cron expressions on the days of ``schedule.days``."""
    start_h = schedule.startHour
    end = start_h + schedule.hoursPerDay
    # The settings have checked the days; written back in one canonical form (MON,TUE,... = MON-...).
    days = parse_days(schedule.days) or frozenset()
    start = f"cron(0 {start_h} ? * {render_days(days)} *)"
    # startHour + hoursPerDay <= 24 is validated in settings; ending at 24 means
    # midnight of the next day, so the stop fires on the day after each running day.
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
    resource_id = f"service/{inp.cluster_name}/{inp.service_name}"
    ns, dim = "ecs", "ecs:service:DesiredCount"
    child = pulumi.ResourceOptions(parent=parent)
    out: dict[str, pulumi.Resource] = {}

    # The schedule changes min/max at run time; do not fight it on the next `pulumi up`.
    ignore = ["minCapacity", "maxCapacity"] if inp.schedule.enabled else []
    target = aws.appautoscaling.Target(
        f"{name}-scaling-target",
        service_namespace=ns,
        scalable_dimension=dim,
        resource_id=resource_id,
        min_capacity=sc.minCount,
        max_capacity=sc.maxCount,
        # No schedule figures in the tags: the cost model reads the hours and the days from the
        # scheduled actions' crons (docs/cost.md, "Scheduled services").
        tags=inp.tags,
        # The service must exist before Application Auto Scaling accepts the target.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[service], ignore_changes=ignore),
    )
    out["target"] = target
    on_target = pulumi.ResourceOptions(parent=parent, depends_on=[target])

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
            service_namespace=ns, scalable_dimension=dim, resource_id=resource_id,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                target_value=value,
                predefined_metric_specification=predefined,
                customized_metric_specification=customized,
                scale_out_cooldown=sc.scaleOutCooldownSeconds,
                scale_in_cooldown=sc.scaleInCooldownSeconds,
            ),
            opts=on_target,
        )

    tracking("cpu-target", sc.cpuTargetPercent, "ECSServiceAverageCPUUtilization")
    tracking("memory-target", sc.memoryTargetPercent, "ECSServiceAverageMemoryUtilization")
    if len(inp.request_count_target_groups) > 1:
        tracking("requests-target", float(sc.requestsPerTarget),
                 customized=requests_over_both_groups(inp.request_count_target_groups))
    elif inp.request_count_resource_label is not None:
        tracking("requests-target", float(sc.requestsPerTarget), "ALBRequestCountPerTarget",
                 inp.request_count_resource_label)

    def step(role: str, percent: int, cooldown: int, upper: bool) -> aws.appautoscaling.Policy:
        # Bounds are relative to the alarm threshold: out acts at/above it, in at/below it.
        adj = aws.appautoscaling.PolicyStepScalingPolicyConfigurationStepAdjustmentArgs(
            scaling_adjustment=percent if upper else -percent,
            metric_interval_lower_bound="0" if upper else None,
            metric_interval_upper_bound=None if upper else "0",
        )
        policy = aws.appautoscaling.Policy(
            f"{name}-{role}",
            name=f"{inp.service_name}-{role}",
            policy_type="StepScaling",
            service_namespace=ns, scalable_dimension=dim, resource_id=resource_id,
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
        out[role] = policy
        return policy

    step_out = step("step-out", sc.scaleOutPercent, sc.scaleOutCooldownSeconds, upper=True)
    step_in = step("step-in", sc.scaleInPercent, sc.scaleInCooldownSeconds, upper=False)

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
              f"add {sc.scaleOutPercent} % tasks")
    cpu_alarm("in", "<=", STEP_IN_CPU_PERCENT, STEP_IN_EVALUATION_MINUTES, step_in,
              f"remove {sc.scaleInPercent} % tasks")

    if inp.schedule.enabled:
        start, stop = schedule_crons(inp.schedule)
        for role, cron, lo, hi in (("stop", stop, 0, 0), ("start", start, sc.minCount, sc.maxCount)):
            out[f"schedule-{role}"] = aws.appautoscaling.ScheduledAction(
                f"{name}-schedule-{role}",
                name=f"{inp.stack}-{inp.service_name}-{role}",
                service_namespace=ns, scalable_dimension=dim, resource_id=resource_id,
                schedule=cron,
                timezone=inp.schedule.timezone,
                scalable_target_action=aws.appautoscaling.ScheduledActionScalableTargetActionArgs(
                    min_capacity=lo, max_capacity=hi),
                opts=on_target,
            )
    return out


__all__ = ["ScalingInputs", "add_autoscaling", "schedule_crons", "STEP_OUT_CPU_PERCENT", "STEP_IN_CPU_PERCENT"]
