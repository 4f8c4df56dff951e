"""Application Auto Scaling rule (rules/appautoscaling.py): compliant and violating cases per resource kind."""

from __future__ import annotations

import pytest

from test_policies_support import U_NUM, check_stack

from platform_policies.rules import appautoscaling as aas

KEY = {"serviceNamespace": "ecs", "resourceId": "service/microservices-prod/order",
       "scalableDimension": "ecs:service:DesiredCount"}
TARGET = {"type": aas.TARGET, "name": "target", "props": {**KEY, "minCapacity": 3, "maxCapacity": 20}}
TRACKING = {**KEY, "policyType": "TargetTrackingScaling", "targetTrackingScalingPolicyConfiguration": {
    "targetValue": 70, "scaleInCooldown": 300, "scaleOutCooldown": 30,
    "predefinedMetricSpecification": {"predefinedMetricType": "ECSServiceAverageCPUUtilization"}}}
STEP = {**KEY, "policyType": "StepScaling", "stepScalingPolicyConfiguration": {
    "adjustmentType": "PercentChangeInCapacity", "cooldown": 30, "minAdjustmentMagnitude": 1,
    "stepAdjustments": [{"metricIntervalLowerBound": "0", "scalingAdjustment": 100}]}}
SCHEDULE = {**KEY, "schedule": "cron(0 8 ? * MON-FRI *)", "timezone": "Europe/Berlin",
            "scalableTargetAction": {"minCapacity": 1, "maxCapacity": 2}}


def judge(*resources: dict) -> list:
    return check_stack(aas.validate_autoscaling_constraints, [TARGET, *resources])


def policy(props: dict) -> dict:
    return {"type": aas.POLICY, "name": "policy", "props": props}


def schedule(props: dict) -> dict:
    return {"type": aas.SCHEDULED_ACTION, "name": "schedule", "props": props}


def test_the_compliant_set_passes():
    assert judge(policy(TRACKING), policy(STEP), schedule(SCHEDULE)) == []


def test_target_bounds():
    assert check_stack(aas.validate_autoscaling_constraints,
                       [{**TARGET, "props": {**TARGET["props"], "minCapacity": 30}}])
    assert check_stack(aas.validate_autoscaling_constraints,
                       [{**TARGET, "props": {**TARGET["props"],
                                             "scalableDimension": "kafka:broker-storage:VolumeSize"}}])
    assert check_stack(aas.validate_autoscaling_constraints,
                       [{**TARGET, "props": {**TARGET["props"], "resourceId": "microservices-prod/order"}}])
    assert check_stack(aas.validate_autoscaling_constraints,
                       [{**TARGET, "props": {**TARGET["props"], "minCapacity": U_NUM}}]) == []


@pytest.mark.parametrize("bad", [
    {"targetTrackingScalingPolicyConfiguration": None},
    {"targetTrackingScalingPolicyConfiguration": {**TRACKING["targetTrackingScalingPolicyConfiguration"],
                                                  "targetValue": 0}},
    {"targetTrackingScalingPolicyConfiguration": {**TRACKING["targetTrackingScalingPolicyConfiguration"],
                                                  "scaleInCooldown": -1}},
    {"targetTrackingScalingPolicyConfiguration": {"targetValue": 50, "predefinedMetricSpecification": {
        "predefinedMetricType": "KafkaBrokerStorageUtilization"}}},
    {"targetTrackingScalingPolicyConfiguration": {"targetValue": 50, "predefinedMetricSpecification": {
        "predefinedMetricType": "ALBRequestCountPerTarget"}}},
    {"targetTrackingScalingPolicyConfiguration": {"targetValue": 50, "customizedMetricSpecification": {
        "metrics": [{"id": "a", "returnData": True}, {"id": "b", "returnData": True}]}}},
    {"stepScalingPolicyConfiguration": STEP["stepScalingPolicyConfiguration"]},
    {"policyType": "Reactive"},
])
def test_target_tracking_policy_mistakes(bad):
    assert judge(policy({**TRACKING, **bad}))


@pytest.mark.parametrize("steps", [
    [],
    [{"metricIntervalLowerBound": "10", "metricIntervalUpperBound": "5", "scalingAdjustment": 1}],
    [{"metricIntervalLowerBound": "0", "scalingAdjustment": 1}, {"metricIntervalLowerBound": "5",
                                                                 "scalingAdjustment": 2}],
    [{"metricIntervalLowerBound": "0"}],
])
def test_step_policy_mistakes(steps):
    cfg = {**STEP["stepScalingPolicyConfiguration"], "stepAdjustments": steps}
    assert judge(policy({**STEP, "stepScalingPolicyConfiguration": cfg}))


def test_step_adjustment_type_and_magnitude():
    cfg = STEP["stepScalingPolicyConfiguration"]
    assert judge(policy({**STEP, "stepScalingPolicyConfiguration": {**cfg, "adjustmentType": "ChangeInCapacity"}}))
    assert judge(policy({**STEP, "stepScalingPolicyConfiguration": {**cfg, "adjustmentType": "Percent"}}))


@pytest.mark.parametrize("schedule_expression,ok", [
    ("cron(0 8 ? * MON-FRI *)", True), ("rate(5 minutes)", True), ("rate(1 day)", True),
    ("at(2026-12-01T08:00:00)", True), ("cron(0 8 * * MON-FRI *)", False), ("cron(0 8 ? * MON-FRI)", False),
    ("cron(0 25 ? * MON-FRI *)", False), ("rate(1 days)", False), ("rate(0 minutes)", False), ("every day", False),
])
def test_schedule_expressions(schedule_expression, ok):
    assert (judge(schedule({**SCHEDULE, "schedule": schedule_expression})) == []) is ok


def test_schedule_other_mistakes():
    assert judge(schedule({**SCHEDULE, "timezone": "Europe/Berln"}))
    assert judge(schedule({**SCHEDULE, "scalableTargetAction": {"minCapacity": 5, "maxCapacity": 2}}))
    assert judge(schedule({**SCHEDULE, "scalableTargetAction": {}}))
    assert judge(schedule({**SCHEDULE, "startTime": "2026-12-02T00:00:00Z", "endTime": "2026-12-01T00:00:00Z"}))


def test_policies_and_schedules_need_a_registered_target():
    orphan = {**TRACKING, "resourceId": "service/microservices-prod/user"}
    out = judge(policy(orphan))
    assert out and "ObjectNotFound" in out[0][0]
    assert check_stack(aas.validate_autoscaling_constraints, [schedule(SCHEDULE)])
