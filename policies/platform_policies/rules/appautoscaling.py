"""Application Auto Scaling: scalable targets, scaling policies and scheduled actions.

The floor/ceiling of ECS task counts per stack is the sizing rule task-count-limits (ecs.py); this
module holds what the Application Auto Scaling API refuses.  Sources: Application Auto Scaling API
reference (RegisterScalableTarget, PutScalingPolicy, PutScheduledAction, StepAdjustment,
TargetTrackingScalingPolicyConfiguration) and user guide ("Schedule recurring scaling actions using
cron expressions"), terraform-provider-aws internal/service/appautoscaling/policy.go and
scheduled_action.go (ValidateFunc, ExactlyOneOf), read 2026-11.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache
from typing import Any, Optional

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, rule
from ..support.props import as_bool, as_list, as_str, get, is_unknown
from ..support.report import report_problems

TARGET = "aws:appautoscaling/target:Target"
POLICY = "aws:appautoscaling/policy:Policy"
SCHEDULED_ACTION = "aws:appautoscaling/scheduledAction:ScheduledAction"
NAMESPACES = ("ecs", "elasticmapreduce", "ec2", "appstream", "dynamodb", "rds", "sagemaker", "custom-resource",
              "comprehend", "lambda", "cassandra", "kafka", "elasticache", "neptune", "workspaces")


def _number(props, path) -> Any:
    value = get(props, path)
    if is_unknown(value) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _dimension_problems(p) -> list[str]:
    out = []
    namespace, dimension = as_str(get(p, "serviceNamespace")), as_str(get(p, "scalableDimension"))
    resource_id = as_str(get(p, "resourceId"))
    if isinstance(namespace, str) and namespace not in NAMESPACES:
        out.append(f"serviceNamespace {namespace!r} is not an Application Auto Scaling namespace")
    if isinstance(namespace, str) and isinstance(dimension, str) and dimension.split(":")[0] != namespace:
        out.append(f"scalableDimension {dimension} does not belong to serviceNamespace {namespace}")
    if namespace == "ecs" and isinstance(resource_id, str) and not re.fullmatch(r"service/[^/]+/[^/]+", resource_id):
        out.append(f"resourceId {resource_id!r} is not service/<cluster>/<service>")
    if namespace == "kafka" and isinstance(resource_id, str) and not resource_id.startswith("arn:"):
        out.append(f"resourceId {resource_id!r} is not an MSK cluster ARN")
    return out


def _capacity_problems(low: Optional[float], high: Optional[float], where: str) -> list[str]:
    out = []
    for name, value in (("minCapacity", low), ("maxCapacity", high)):
        if value is not None and value < 0:
            out.append(f"{where}{name} {value:g} is negative")
    if low is not None and high is not None and low > high:
        out.append(f"{where}minCapacity {low:g} is above maxCapacity {high:g}")
    return out


# ---- schedules -------------------------------------------------------------------------------------------

_AT = re.compile(r"at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)")
_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_CRON_FIELD = re.compile(r"[0-9A-Za-z*?,/#L W-]+")


def _cron_problems(body: str) -> list[str]:
    fields = body.split()
    if len(fields) != 6:
        return [f"cron({body}) has {len(fields)} fields; Application Auto Scaling needs 6 "
                f"(minutes hours day-of-month month day-of-week year)"]
    out = []
    if not all(_CRON_FIELD.fullmatch(f) for f in fields):
        out.append(f"cron({body}) has characters cron expressions do not use")
    dom, dow = fields[2], fields[4]
    if (dom == "?") == (dow == "?"):
        out.append(f"cron({body}): exactly one of day-of-month and day-of-week must be '?'")
    for value, low, high, name in ((fields[0], 0, 59, "minutes"), (fields[1], 0, 23, "hours")):
        numbers = [int(n) for n in re.findall(r"\d+", value)]
        if "/" not in value and any(not low <= n <= high for n in numbers):
            out.append(f"cron({body}): {name} outside {low}-{high}")
    return out


def schedule_problems(schedule: str) -> list[str]:
    if _AT.fullmatch(schedule):
        return []
    rate = _RATE.fullmatch(schedule)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if value < 1:
            return [f"{schedule}: the rate must be at least 1"]
        if (value == 1) != (not unit.endswith("s")):
            return [f"{schedule}: use the singular unit for 1 and the plural otherwise"]
        return []
    cron = re.fullmatch(r"cron\((.*)\)", schedule)
    if cron:
        return _cron_problems(cron.group(1))
    return [f"schedule {schedule!r} is not at(...), rate(...) or cron(...)"]


@lru_cache(maxsize=1)
def _time_zones() -> frozenset:
    try:
        return frozenset(zoneinfo.available_timezones())
    except Exception:  # no tz database on this machine: the check is skipped
        return frozenset()


def _scheduled_action_problems(p) -> list[str]:
    out = _dimension_problems(p)
    schedule = as_str(get(p, "schedule"))
    if isinstance(schedule, str):
        out += schedule_problems(schedule.strip())
    zone = as_str(get(p, "timezone"))
    zones = _time_zones()
    if isinstance(zone, str) and zones and zone not in zones:
        out.append(f"timezone {zone!r} is not an IANA time zone")
    low, high = _number(p, "scalableTargetAction.minCapacity"), _number(p, "scalableTargetAction.maxCapacity")
    action = get(p, "scalableTargetAction")
    if action is not None and not is_unknown(action) and low is None and high is None \
            and not is_unknown(get(action, "minCapacity")) and not is_unknown(get(action, "maxCapacity")):
        out.append("scalableTargetAction needs minCapacity or maxCapacity")
    out += _capacity_problems(low, high, "scalableTargetAction.")
    start, end = as_str(get(p, "startTime")), as_str(get(p, "endTime"))
    if isinstance(start, str) and isinstance(end, str) and start and end and end <= start:
        out.append(f"endTime {end} is not after startTime {start}")
    return out


# ---- scaling policies ------------------------------------------------------------------------------------

_PREDEFINED_PREFIX = {"ecs": "ECSService", "kafka": "KafkaBroker", "dynamodb": "DynamoDB", "rds": "RDSReader",
                      "elasticache": "ElastiCache"}
_ADJUSTMENT_TYPES = ("ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity")


def _target_tracking_problems(p) -> list[str]:
    cfg = get(p, "targetTrackingScalingPolicyConfiguration")
    if is_unknown(cfg):
        return []
    if cfg is None:
        return ["policyType TargetTrackingScaling needs targetTrackingScalingPolicyConfiguration"]
    out = []
    target = _number(cfg, "targetValue")
    # TargetValue: 8.515920e-109 to 1.0e+10 (API reference).
    if target is not None and not 8.515920e-109 <= target <= 1.0e10:
        out.append(f"targetValue {target:g} is outside the accepted range (> 0, <= 1e10)")
    for key in ("scaleInCooldown", "scaleOutCooldown"):
        value = _number(cfg, key)
        if value is not None and value < 0:
            out.append(f"{key} {value:g} is negative")
    predefined, custom = get(cfg, "predefinedMetricSpecification"), get(cfg, "customizedMetricSpecification")
    if predefined is not None and custom is not None:
        out.append("predefinedMetricSpecification and customizedMetricSpecification are mutually exclusive")
    if predefined is None and custom is None:
        out.append("a target tracking policy needs a predefined or a customized metric")
    metric = as_str(get(predefined, "predefinedMetricType")) if predefined is not None else None
    namespace = as_str(get(p, "serviceNamespace"))
    prefix = _PREDEFINED_PREFIX.get(namespace) if isinstance(namespace, str) else None
    if isinstance(metric, str) and prefix and not metric.startswith(prefix) and metric != "ALBRequestCountPerTarget":
        out.append(f"predefinedMetricType {metric} does not apply to serviceNamespace {namespace}")
    if metric == "ALBRequestCountPerTarget" and get(predefined, "resourceLabel") in (None, ""):
        out.append("ALBRequestCountPerTarget needs resourceLabel (app/<lb>/<id>/targetgroup/<tg>/<id>)")
    metrics = as_list(get(custom, "metrics")) if custom is not None else []
    if not is_unknown(metrics) and metrics:
        returned = [m for m in metrics if as_bool(get(m, "returnData"), True) is True]
        if len(returned) != 1:
            out.append(f"customizedMetricSpecification.metrics must return exactly one series (returnData); "
                       f"{len(returned)} do")
    return out


def _step_problems(p) -> list[str]:
    cfg = get(p, "stepScalingPolicyConfiguration")
    if is_unknown(cfg):
        return []
    if cfg is None:
        return ["policyType StepScaling needs stepScalingPolicyConfiguration"]
    out = []
    kind = as_str(get(cfg, "adjustmentType"))
    if isinstance(kind, str) and kind not in _ADJUSTMENT_TYPES:
        out.append(f"adjustmentType {kind!r} is not one of {', '.join(_ADJUSTMENT_TYPES)}")
    if get(cfg, "minAdjustmentMagnitude") is not None and kind != "PercentChangeInCapacity":
        out.append("minAdjustmentMagnitude is only valid with adjustmentType PercentChangeInCapacity")
    cooldown = _number(cfg, "cooldown")
    if cooldown is not None and cooldown < 0:
        out.append(f"cooldown {cooldown:g} is negative")
    steps = as_list(get(cfg, "stepAdjustments"))
    if is_unknown(steps):
        return out
    if not steps:
        return out + ["a step scaling policy needs stepAdjustments"]
    bounds = []
    for s in steps:
        low, high = _number(s, "metricIntervalLowerBound"), _number(s, "metricIntervalUpperBound")
        if get(s, "scalingAdjustment") is None:
            out.append("every step adjustment needs scalingAdjustment")
        if low is not None and high is not None and low >= high:
            out.append(f"step [{low:g}, {high:g}): the lower bound must be below the upper bound")
        bounds.append((low, high))
    # Steps may not overlap; only one may be open below and one open above (StepAdjustment docs).
    if sum(1 for low, _ in bounds if low is None) > 1 or sum(1 for _, high in bounds if high is None) > 1:
        out.append("at most one step may leave the lower bound open and one the upper bound")
    closed = sorted((low if low is not None else float("-inf"), high if high is not None else float("inf"))
                    for low, high in bounds)
    if any(a[1] > b[0] for a, b in zip(closed, closed[1:])):
        out.append("step adjustment intervals overlap")
    return out


def _policy_problems(p) -> list[str]:
    out = _dimension_problems(p)
    kind = as_str(get(p, "policyType"), "StepScaling")  # provider default
    if kind == "TargetTrackingScaling":
        out += _target_tracking_problems(p)
        if get(p, "stepScalingPolicyConfiguration") is not None:
            out.append("a TargetTrackingScaling policy takes no stepScalingPolicyConfiguration")
    elif kind == "StepScaling":
        out += _step_problems(p)
        if get(p, "targetTrackingScalingPolicyConfiguration") is not None:
            out.append("a StepScaling policy takes no targetTrackingScalingPolicyConfiguration")
    elif isinstance(kind, str) and kind != "PredictiveScaling":
        out.append(f"policyType {kind!r} is not StepScaling, TargetTrackingScaling or PredictiveScaling")
    return out


# ---- the rule (stack: policies and schedules need a registered target) ---------------------------------

def _key(p) -> tuple:
    return (as_str(get(p, "serviceNamespace")), as_str(get(p, "resourceId")), as_str(get(p, "scalableDimension")))


def _registered(r, targets: list) -> bool:
    deps = (getattr(r, "property_dependencies", None) or {})
    target_urns = {t.urn for t in targets}
    if any(d.urn in target_urns for prop in ("resourceId", "scalableDimension", "serviceNamespace")
           for d in deps.get(prop) or []):
        return True
    key = _key(r.props)
    if any(is_unknown(k) for k in key):
        return True
    return any(_key(t.props) == key for t in targets)


@rule(name="appautoscaling-constraints", area=ACCEPTANCE, resource_types=(TARGET, POLICY, SCHEDULED_ACTION),
      stack=True,
      description="Scalable targets, scaling policies and scheduled actions Application Auto Scaling accepts: "
                  "min <= max, dimension of the namespace, policy configuration matching policyType, target "
                  "value > 0, non-overlapping steps, at/rate/cron schedules with one '?' day field, IANA time "
                  "zones, and a registered target for every policy and schedule.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the scaling settings (components/compute/autoscaling.py, settings scaling.*).")
def validate_autoscaling_constraints(args, report_violation) -> None:
    resources = list(args.resources)
    targets = [r for r in resources if r.resource_type == TARGET]
    for r in resources:
        t, p = r.resource_type, r.props
        if t == TARGET:
            problems = _dimension_problems(p) + _capacity_problems(_number(p, "minCapacity"),
                                                                   _number(p, "maxCapacity"), "")
        elif t == POLICY:
            problems = _policy_problems(p)
        elif t == SCHEDULED_ACTION:
            problems = _scheduled_action_problems(p)
        else:
            continue
        if t != TARGET and not _registered(r, targets):
            problems.append(f"no scalable target of this stack registers {'/'.join(map(str, _key(p)))}; the "
                            f"{'policy' if t == POLICY else 'scheduled action'} is rejected (ObjectNotFound)")
        report_problems(report_violation, problems, r.urn)


baseline(
    __name__,
    service="Application Auto Scaling",
    resource_types=(POLICY, SCHEDULED_ACTION, TARGET),
    not_applicable={
        "CKV2_AWS_16": "Judges DynamoDB tables' autoscaling; the program's targets scale ECS services and MSK "
                       "storage (their bounds: task-count-limits, msk-storage-limits, appautoscaling-constraints).",
        "AwsSolutions-AS1": "Judges EC2 Auto Scaling groups (cooldowns); the program has none - ECS scaling "
                            "policies carry their own cooldowns, checked non-negative here.",
        "AwsSolutions-AS2": "Judges EC2 Auto Scaling group health checks; ECS services replace tasks from "
                            "container and target-group health checks (alb-target-group-constraints).",
        "AwsSolutions-AS3": "Judges EC2 Auto Scaling group notifications; there are no Auto Scaling groups.",
    },
)
