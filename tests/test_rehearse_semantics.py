"""The rehearsal's simulator held to Application Auto Scaling's documented semantics.

Worked examples, figures by hand.  Sources: Application Auto Scaling API reference
(StepScalingPolicyConfiguration: MinAdjustmentMagnitude, Cooldown), user guide (step scaling
adjustment types and rounding, target tracking, multiple policies), docs/rehearsal.md.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

import pytest

from preflight.rehearse.model import Alarm, HealthCheck, ScheduledAction, ServiceModel, Step, StepPolicy, TrackingPolicy
from preflight.rehearse.load_profile import validate
from preflight.rehearse.schedule import fires
from preflight.rehearse.simulate import (PolicyState, _evaluate, alarm_state, latency_alarm_minutes, matching_step,
                                         period_points, round_percent_change, simulate, step_capacity,
                                         tracking_capacity)

PF = {"scaleOutDatapoints": 3, "scaleInDatapoints": 15, "scaleInThresholdRatio": 0.9}


def svc(tracking=(), step=(), lo=1, hi=100, desired=4, cpu=1024, hc=None, scheduled=()) -> ServiceModel:
    return ServiceModel(service="gateway", resource_id="service/c/gateway", cpu_units=cpu, memory_mib=2048,
                        arch="X86_64", desired=desired, min_capacity=lo, max_capacity=hi, tracking=tuple(tracking),
                        step=tuple(step), scheduled=tuple(scheduled), health_check=hc)


def cpu_policy(target=60.0, out=300.0, inn=300.0, name="cpu") -> TrackingPolicy:
    return TrackingPolicy(name=name, metric="cpu", target=target, scale_out_cooldown=out, scale_in_cooldown=inn)


def run_minute(model, states, points, desired, t):
    """One evaluation; returns the capacity it asks for (``desired`` when nothing happens)."""
    asked = []
    _evaluate(model, PF, states, points, desired, t, lambda new, _t, _why: asked.append(new))
    return asked[-1] if asked else desired


def minutes(**series):
    n = len(next(iter(series.values())))
    return [{k: v[i] for k, v in series.items()} for i in range(n)]


# --------------------------------------------------------------------------- step scaling arithmetic
def test_min_adjustment_magnitude_api_reference_example():
    # API reference: scale out an ECS service by 25 % with MinAdjustmentMagnitude 2; 4 tasks:
    # 25 % of 4 = 1 task, below the magnitude 2, so 2 tasks are added: 4 + 2 = 6.
    assert step_capacity(4, "PercentChangeInCapacity", 25, 2) == 6
    assert step_capacity(4, "PercentChangeInCapacity", 25, 0) == 5      # without it: 4 + 1


def test_capacity_10_plus_10_percent():
    # 10 x 10 % = 1.0 task -> 11; MinAdjustmentMagnitude 2 raises the 1 to 2 -> 12.
    assert step_capacity(10, "PercentChangeInCapacity", 10, 0) == 11
    assert step_capacity(10, "PercentChangeInCapacity", 10, 2) == 12


def test_user_guide_step_scaling_example():
    # The Application Auto Scaling user guide's step-scaling example (capacity 10; scale-out alarm at 60
    # with steps [60, 70) +10 % and [70, inf) +30 %; scale-in alarm at 40 with (30, 40] -10 % and
    # (-inf, 30] -30 %):
    out_alarm = Alarm("high", "cpu", 60, "GreaterThanOrEqualToThreshold", 60, 1, 1)
    in_alarm = Alarm("low", "cpu", 40, "LessThanOrEqualToThreshold", 60, 1, 1)
    out = StepPolicy("out", "PercentChangeInCapacity", 0, 0, (Step(0.0, 10.0, 10), Step(10.0, None, 30)), (out_alarm,))
    inn = StepPolicy("in", "PercentChangeInCapacity", 0, 0, (Step(-10.0, 0.0, -10), Step(None, -10.0, -30)), (in_alarm,))
    model = svc(step=[out, inn])
    st = {"out": PolicyState(), "in": PolicyState()}
    # metric 60 (breach 0): +10 % of 10 = 1 -> 11
    assert run_minute(model, st, minutes(cpu=[60]), 10, 60) == 11
    # metric 70 (breach 10): +30 % of 11 = 3.3, rounded down to 3 -> 14
    assert run_minute(model, st, minutes(cpu=[70]), 11, 120) == 14
    # metric 40 (breach 0 below): -10 % of 14 = -1.4 -> -1 -> 13
    assert run_minute(model, st, minutes(cpu=[40]), 14, 180) == 13
    # metric 30 (breach -10, in (-inf, -10]): -30 % of 13 = -3.9 -> -3 -> 10
    assert run_minute(model, st, minutes(cpu=[30]), 13, 240) == 10
    # metric 50: neither alarm breaches: no change
    assert run_minute(model, st, minutes(cpu=[50]), 10, 300) == 10


@pytest.mark.parametrize("change,tasks", [
    (12.7, 12),     # above 1: rounded down
    (0.67, 1),      # between 0 and 1: 1
    (-0.5, -1),     # between -1 and 0: -1
    (-6.67, -6),    # below -1: rounded up (toward zero)
    (0.0, 0),
])
def test_percent_change_rounding(change, tasks):
    assert round_percent_change(change) == tasks


def test_prod_step_sizes():
    # +100 % of 3 = 3 -> 6; -50 % of 3 = -1.5 -> -1 (rounded toward zero) -> 2; -50 % of 20 = -10 -> 10.
    assert step_capacity(3, "PercentChangeInCapacity", 100, 1) == 6
    assert step_capacity(3, "PercentChangeInCapacity", -50, 1) == 2
    assert step_capacity(20, "PercentChangeInCapacity", -50, 1) == 10
    # +100 % of 1 = 1 (MinAdjustmentMagnitude 1 changes nothing); ChangeInCapacity and ExactCapacity as given.
    assert step_capacity(1, "PercentChangeInCapacity", 100, 1) == 2
    assert step_capacity(5, "ChangeInCapacity", -2) == 3
    assert step_capacity(5, "ExactCapacity", 9) == 9


def test_step_bounds_relative_to_threshold():
    steps = (Step(0.0, 10.0, 1), Step(10.0, None, 3))
    # threshold 85, metric 95 -> breach 10: above the threshold the lower bound is inclusive -> second step.
    assert matching_step(steps, 10.0, above=True).adjustment == 3
    assert matching_step(steps, 9.99, above=True).adjustment == 1
    assert matching_step(steps, 0.0, above=True).adjustment == 1
    # below the threshold the upper bound is inclusive: breach 0 matches (-inf, 0].
    assert matching_step((Step(None, 0.0, -50),), 0.0, above=False).adjustment == -50
    assert matching_step((Step(None, 0.0, -50),), 0.5, above=False) is None


# --------------------------------------------------------------------------- target tracking arithmetic
@pytest.mark.parametrize("current,metric,target,new", [
    (3, 140, 70, 6),        # 3 x 140 / 70 = 6
    (10, 75, 70, 11),       # 10 x 75 / 70 = 10.71 -> ceil 11
    (3, 70, 70, 3),         # at the target: no change
    (20, 30, 70, 9),        # 20 x 30 / 70 = 8.57 -> 9 (scale in rounds up: never too little)
])
def test_tracking_capacity_is_ceil(current, metric, target, new):
    assert tracking_capacity(current, metric, target) == new


def test_alarm_needs_every_evaluated_datapoint():
    # 3 of 3 above 60: two datapoints are INSUFFICIENT_DATA, not ALARM.
    assert not alarm_state([90, 90], "GreaterThanThreshold", 60, 3, 3)
    assert alarm_state([10, 90, 90, 90], "GreaterThanThreshold", 60, 3, 3)
    assert not alarm_state([90, 60, 90], "GreaterThanThreshold", 60, 3, 3)     # 60 is not above 60
    assert alarm_state([90, 50, 90], "GreaterThanThreshold", 60, 3, 2)         # 2 of 3
    # Five one-minute points into 300 s periods: one period of their average (10+20+30+40+50)/5 = 30.
    assert period_points([10, 20, 30, 40, 50, 60], 300) == [30.0]


# --------------------------------------------------------------------------- one evaluation at a time
def test_target_tracking_scales_out_after_three_datapoints():
    model = svc(tracking=[cpu_policy(60)])
    st = {"cpu": PolicyState()}
    assert run_minute(model, st, minutes(cpu=[90, 90]), 4, 120) == 4
    # ceil(4 x 90 / 60) = 6
    assert run_minute(model, st, minutes(cpu=[90, 90, 90]), 4, 180) == 6


def test_scale_out_cooldown_counts_the_added_capacity():
    model = svc(tracking=[cpu_policy(60, out=300)])
    st = {"cpu": PolicyState()}
    assert run_minute(model, st, minutes(cpu=[90] * 3), 4, 180) == 6          # 4 -> 6, cooldown to 480
    # Still 90 %: from the capacity before the scale-out, ceil(4 x 90 / 60) = 6, not more than 6: blocked.
    assert run_minute(model, st, minutes(cpu=[90] * 4), 6, 240) == 6
    # A larger scale-out goes through in the cooldown: ceil(4 x 120 / 60) = 8 > 6.
    assert run_minute(model, st, minutes(cpu=[90] * 4 + [120]), 6, 300) == 8
    # After the cooldown (started again at 300, ends 600) the current capacity counts: ceil(8 x 90 / 60) = 12.
    assert run_minute(model, st, minutes(cpu=[90] * 3), 8, 540) == 8
    assert run_minute(model, st, minutes(cpu=[90] * 3), 8, 600) == 12


def test_scale_in_needs_fifteen_datapoints_below_90_percent_of_target():
    model = svc(tracking=[cpu_policy(60)])
    st = {"cpu": PolicyState()}
    # Scale-in threshold 0.9 x 60 = 54: 14 datapoints are not enough, 54 itself is not below.
    assert run_minute(model, st, minutes(cpu=[30] * 14), 10, 900) == 10
    assert run_minute(model, st, minutes(cpu=[54] * 15), 10, 900) == 10
    # 15 x 30 %: ceil(10 x 30 / 60) = 5.
    assert run_minute(model, st, minutes(cpu=[30] * 15), 10, 900) == 5


def test_scale_in_only_when_every_tracking_policy_agrees():
    mem = TrackingPolicy(name="mem", metric="memory", target=60, scale_out_cooldown=300, scale_in_cooldown=300)
    model = svc(tracking=[cpu_policy(60), mem])
    st = {"cpu": PolicyState(), "mem": PolicyState()}
    # CPU low (30 < 54), memory not (58 >= 54): no scale-in.
    assert run_minute(model, st, minutes(cpu=[30] * 15, memory=[58] * 15), 10, 900) == 10
    # Both low: the largest capacity wins: cpu ceil(10 x 30 / 60) = 5, memory ceil(10 x 48 / 60) = 8 -> 8.
    assert run_minute(model, st, minutes(cpu=[30] * 15, memory=[48] * 15), 10, 900) == 8


def test_scale_out_by_any_policy_largest_wins():
    mem = TrackingPolicy(name="mem", metric="memory", target=50, scale_out_cooldown=300, scale_in_cooldown=300)
    model = svc(tracking=[cpu_policy(60), mem])
    st = {"cpu": PolicyState(), "mem": PolicyState()}
    # CPU at target (no alarm), memory 100 % of 50: ceil(4 x 100 / 50) = 8.
    assert run_minute(model, st, minutes(cpu=[60] * 3, memory=[100] * 3), 4, 180) == 8
    # Both high: cpu ceil(4 x 120 / 60) = 8, memory ceil(4 x 75 / 50) = 6 -> 8 (fresh states).
    st = {"cpu": PolicyState(), "mem": PolicyState()}
    assert run_minute(model, st, minutes(cpu=[120] * 3, memory=[75] * 3), 4, 180) == 8


def test_scale_in_cooldown_blocks_and_a_scale_out_ends_it():
    model = svc(tracking=[cpu_policy(60, out=60, inn=300)])
    st = {"cpu": PolicyState()}
    assert run_minute(model, st, minutes(cpu=[30] * 15), 10, 900) == 5       # scale-in, cooldown to 1200
    assert run_minute(model, st, minutes(cpu=[20] * 15), 5, 960) == 5        # blocked by the cooldown
    assert run_minute(model, st, minutes(cpu=[20] * 15), 5, 1200) == 2       # ceil(5 x 20 / 60) = 2
    st = {"cpu": PolicyState()}
    assert run_minute(model, st, minutes(cpu=[30] * 15), 10, 900) == 5       # cooldown to 1200 again
    assert run_minute(model, st, minutes(cpu=[30] * 12 + [90] * 3), 5, 960) == 8   # scale-out: ceil(5 x 90/60)
    assert st["cpu"].in_until < 960                                          # ... which ended the cooldown


def test_step_scale_in_is_not_blocked_by_tracking():
    # The user guide warns: a step scale-in runs even while target tracking is not ready to scale in.
    alarm = Alarm("in", "cpu", 20, "LessThanOrEqualToThreshold", 60, 15, 15)
    step_in = StepPolicy("step-in", "PercentChangeInCapacity", 300, 1, (Step(None, 0.0, -50),), (alarm,))
    req = TrackingPolicy("req", "requests", 1000, 30, 300)
    model = svc(tracking=[req], step=[step_in])
    st = {"req": PolicyState(), "step-in": PolicyState()}
    # requests per target 2000 (> 1000 but only 2 datapoints: no scale-out), CPU 15 % for 15 minutes:
    # step-in -50 % of 20 = -10 -> 10.
    pts = minutes(cpu=[15] * 15, requests=[900] * 13 + [2000] * 2)
    assert run_minute(model, st, pts, 20, 900) == 10


# --------------------------------------------------------------------------- whole runs
def profile(**load):
    return validate({"load": {"baselineUsers": 0, "leadMinutes": 0, **load},
                     "platform": {"metricDelaySeconds": 60, "taskStartSeconds": 60}}, "test")


def test_metric_delay_and_three_datapoints_set_the_first_scale_out():
    # Overloaded from t=0: minute 0's datapoint closes at 60 s and is visible at 120 s; minutes 0-2
    # are visible at 240 s, the first evaluation with 3 datapoints -> the first scale-out at 240 s.
    prof = profile(users=10000, rampUpMinutes=0, holdMinutes=20, rampDownMinutes=0, tailMinutes=0)
    res = simulate(svc(tracking=[cpu_policy(60)], desired=2), prof)
    first = next(e for e in res.events if "to" in e)
    assert first["t"] == 240 and first["from"] == 2


def test_new_task_serves_after_start_plus_health_checks():
    # taskStartSeconds 60 + healthy threshold 3 x interval 15 s = 105 s after the launch.
    prof = profile(users=10000, rampUpMinutes=0, holdMinutes=20, rampDownMinutes=0, tailMinutes=0)
    res = simulate(svc(tracking=[cpu_policy(60)], desired=2, hc=HealthCheck(15, 3)), prof)
    launch = next(e for e in res.events if "to" in e)["t"]                   # 240
    i = res.times.index(launch)
    assert res.serving[i] == 2
    assert res.running[res.times.index(launch + 60)] > 2 and res.serving[res.times.index(launch + 100)] == 2
    assert res.serving[res.times.index(launch + 110)] > 2


def test_min_and_max_clamp():
    prof = profile(users=100000, rampUpMinutes=1, holdMinutes=20, rampDownMinutes=1, tailMinutes=0)
    res = simulate(svc(tracking=[cpu_policy(60)], lo=2, hi=5, desired=2), prof)
    assert max(res.desired) == 5
    idle = validate({"load": {"users": 1, "baselineUsers": 0, "leadMinutes": 30, "rampUpMinutes": 1,
                              "holdMinutes": 1, "rampDownMinutes": 1, "tailMinutes": 0}}, "test")
    res = simulate(svc(tracking=[cpu_policy(60)], lo=2, hi=5, desired=4), idle)
    assert min(res.desired) == 2 and res.desired[-1] == 2


def test_scheduled_action_crossed_by_the_profile():
    # Monday 2026-11-30 07:55 UTC + 300 s = 08:00, when cron(0 8 ? * MON-FRI *) sets min 6.
    action = ScheduledAction("start", "cron(0 8 ? * MON-FRI *)", "UTC", 6, 8)
    prof = validate({"load": {"users": 1, "baselineUsers": 0, "leadMinutes": 10, "rampUpMinutes": 1,
                              "holdMinutes": 1, "rampDownMinutes": 1, "tailMinutes": 0,
                              "start": "2026-11-30T07:55:00Z"}}, "test")
    res = simulate(svc(lo=1, hi=2, desired=1, scheduled=[action]), prof)
    assert res.desired[res.times.index(290)] == 1
    assert res.desired[res.times.index(300)] == 6 and res.min_max[res.times.index(300)] == (6, 8)
    assert fires("cron(0 8 ? * MON-FRI *)", "UTC", datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)) is False


def test_task_hours_count_every_live_task():
    # No load, 4 tasks for 10 minutes: 4 x 600 s = 2400 s = 0.667 task-hours.
    prof = validate({"load": {"users": 1, "baselineUsers": 0, "leadMinutes": 10, "rampUpMinutes": 0,
                              "holdMinutes": 0, "rampDownMinutes": 0, "tailMinutes": 0}}, "test")
    res = simulate(svc(lo=4, hi=4, desired=4), prof)
    assert res.task_seconds == 2400


# --------------------------------------------------------------------------- latency model
def test_mm1_latency_and_the_alarm():
    # M/M/1: mean response S / (1 - rho); S = 20 ms, 1 vCPU at 400 req/s: 380 req/s -> rho 0.95 -> 400 ms.
    prof = validate({"load": {"users": 1900, "baselineUsers": 1900, "leadMinutes": 2, "rampUpMinutes": 0,
                              "holdMinutes": 0, "rampDownMinutes": 0, "tailMinutes": 0},
                     "services": {"gateway": {"requestsPerVcpuSecond": 400, "serviceTimeMs": 20}}}, "test")
    # 1900 users x 0.2 req/s x share 1.0 = 380 req/s on one task of 1024 units (400 req/s at 100 %).
    res = simulate(svc(lo=1, hi=1, desired=1), prof)
    assert res.latency[0] == pytest.approx(0.020 / (1 - 0.95))
    # The seed's alarm: mean > 1 s for 5 of 5 one-minute periods; 7 breaching minutes -> ALARM in 3.
    from preflight.rehearse.model import LatencyAlarm
    alarm = LatencyAlarm("lat", "Average", 1.0, 60, 5, 5)
    assert latency_alarm_minutes([1.2] * 4, alarm) == 0
    assert latency_alarm_minutes([1.2] * 7, alarm) == 3
    assert latency_alarm_minutes([1.2] * 5 + [0.5] + [1.2] * 4, alarm) == 1
    # p99 of an exponential response time = mean x ln(100) = 0.3 x 4.605 = 1.38 s > 1 s.
    p99 = LatencyAlarm("lat", "p99", 1.0, 60, 5, 5)
    assert latency_alarm_minutes([0.3] * 5, p99) == 1 and latency_alarm_minutes([0.3] * 5, alarm) == 0
    assert math.isinf(simulate(svc(lo=1, hi=1, desired=1), validate(
        {"load": {"users": 10000, "baselineUsers": 10000, "leadMinutes": 1, "rampUpMinutes": 0, "holdMinutes": 0,
                  "rampDownMinutes": 0, "tailMinutes": 0}}, "test")).latency[0])


def test_scaled_to_zero_under_load_has_no_datapoints_and_no_crash():
    # dev's stop action (min = max = 0) fires with users still there: no running task, no CPU datapoint, no
    # RequestCountPerTarget (no healthy target): the policies have nothing to act on and the service stays at 0.
    stop = ScheduledAction("stop", "cron(0 16 ? * MON-FRI *)", "UTC", 0, 0)
    req = TrackingPolicy("req", "requests", 1000, 30, 300)
    prof = validate({"load": {"users": 10000, "baselineUsers": 10000, "leadMinutes": 20, "rampUpMinutes": 0,
                              "holdMinutes": 0, "rampDownMinutes": 0, "tailMinutes": 0,
                              "start": "2026-11-30T15:55:00Z"}}, "test")
    res = simulate(svc(tracking=[cpu_policy(60), req], lo=1, hi=2, desired=2, hc=HealthCheck(15, 3), scheduled=[stop]),
                   prof)
    i = res.times.index(300)                        # 15:55 + 5 min = 16:00
    assert res.desired[i] == 0 and set(res.desired[i:]) == {0}
    assert math.isinf(res.latency[i]) and math.isnan(res.minutes[-1]["requests"])
