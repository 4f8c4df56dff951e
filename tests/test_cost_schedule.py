"""Scheduled hours come from the plan: the scheduled actions' cron expressions and time zone - the
hours a day and the days of the week - the same strings under mocks and the real engine.  Plus the
task counts a scalable target allows (expected and peak)."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_policies import cost_model
from platform_policies.cost_model import Res
from platform_policies.cost_model.schedule import schedule_of, weekly_firings

ROOT = Path(__file__).resolve().parent.parent

H = 730
WEEKS = 365 / 12 / 7  # 4.345 weeks in the average month behind 730 h
ARM_TASK_HOUR = 0.25 * 0.03238 + 0.5 * 0.00356  # one 0.25 vCPU / 0.5 GB ARM64 task for an hour


def test_weekly_firings_read_aws_cron():
    mon = 0
    assert weekly_firings("cron(0 8 ? * MON-FRI *)") == [d * 1440 + 480 for d in range(5)]
    assert weekly_firings("cron(0 8 ? * 2-6 *)") == weekly_firings("cron(0 8 ? * MON-FRI *)")  # 1 = SUN
    assert weekly_firings("cron(30 7 ? * SUN *)") == [6 * 1440 + 450]
    assert weekly_firings("cron(0 0 ? * TUE-SAT *)") == [d * 1440 for d in range(1, 6)]
    assert weekly_firings("cron(0 8,20 ? * MON *)") == [mon + 480, mon + 1200]
    assert weekly_firings("cron(0 8 * * ? *)") == [d * 1440 + 480 for d in range(7)]  # every day
    for unsupported in ("rate(1 day)", "at(2026-12-01T08:00:00)", "cron(0 8 1 * ? *)", "cron(0 8 ? 1 MON *)",
                        "cron(0 8 ? * MON)", None):
        assert weekly_firings(unsupported) is None, unsupported


def _actions(start: str, stop: str, tz_start: str = "UTC", tz_stop: str = "UTC", hi: int = 2) -> list[dict]:
    return [{"schedule": start, "timezone": tz_start, "scalableTargetAction": {"minCapacity": 1, "maxCapacity": hi}},
            {"schedule": stop, "timezone": tz_stop, "scalableTargetAction": {"minCapacity": 0, "maxCapacity": 0}}]


def test_hours_a_day_and_days_a_month_both_from_the_crons():
    # hoursPerDay 10 (08:00-18:00) on MON-FRI: 5 days a week x 365/12/7 weeks = 21.73 days,
    # 10 h x 21.73 = 217.26 h (by hand: 10 x 5 x 365 / 84)
    s, why = schedule_of(_actions("cron(0 8 ? * MON-FRI *)", "cron(0 18 ? * MON-FRI *)"), H, WEEKS)
    assert why is None and s.hours_per_day == 10
    assert s.days_per_month == pytest.approx(21.726, abs=1e-3)
    assert s.hours_per_month == pytest.approx(217.262, abs=1e-3)
    assert (s.on_min, s.on_max) == (1, 2)
    # MON-THU, 10 h: 4 x 365 / 84 = 17.38 days, 173.81 h
    s, _ = schedule_of(_actions("cron(0 8 ? * MON-THU *)", "cron(0 18 ? * MON-THU *)"), H, WEEKS)
    assert s.days_per_month == pytest.approx(17.381, abs=1e-3)
    assert s.hours_per_month == pytest.approx(173.810, abs=1e-3)
    # a day that ends at midnight: the program's stop cron is TUE-SAT 00:00 (8 x 5 x 365 / 84)
    s, _ = schedule_of(_actions("cron(0 16 ? * MON-FRI *)", "cron(0 0 ? * TUE-SAT *)"), H, WEEKS)
    assert s.hours_per_day == 8 and s.hours_per_month == pytest.approx(173.810, abs=1e-3)


def test_time_zones_of_the_actions_are_honoured():
    # start 08:00 Berlin (07:00 UTC in January), stop 16:00 UTC: 9 h a day
    s, _ = schedule_of(_actions("cron(0 8 ? * MON-FRI *)", "cron(0 16 ? * MON-FRI *)", "Europe/Berlin", "UTC"),
                       H, WEEKS)
    assert s.hours_per_day == 9
    # both in the same zone: the zone does not change the hours
    s, _ = schedule_of(_actions("cron(0 8 ? * MON-FRI *)", "cron(0 16 ? * MON-FRI *)", "America/New_York",
                                "America/New_York"), H, WEEKS)
    assert s.hours_per_day == 8


def test_unreadable_schedules_are_priced_always_on():
    s, why = schedule_of(_actions("rate(1 day)", "cron(0 16 ? * MON-FRI *)"), H, WEEKS)
    assert s is None and "not a weekly cron" in why
    s, why = schedule_of([_actions("cron(0 8 ? * MON-FRI *)", "x")[0]], H, WEEKS)
    assert s is None and why is None  # never switched off: always on


def _service(hours_per_day: int, days_tag: str | None = None, desired: int = 1, lo: int = 1, hi: int = 2,
             timezone: str = "UTC", days: str = "MON-FRI") -> list[Res]:
    td = Res("aws:ecs/taskDefinition:TaskDefinition", "td", "urn:td",
             inputs={"family": "f", "cpu": "256", "memory": "512", "runtimePlatform": {"cpuArchitecture": "ARM64"}})
    svc = Res("aws:ecs/service:Service", "svc", "urn:pulumi:dev::p::aws:ecs/service:Service::svc",
              inputs={"name": "svc", "desiredCount": desired, "launchType": "FARGATE"},
              property_dependencies={"taskDefinition": ["urn:td"]})
    # A tag older programs wrote (the stack's daysPerMonth): the model must not follow it.
    tags = {"schedule-days-per-month": days_tag} if days_tag else {}
    target = Res("aws:appautoscaling/target:Target", "t", "urn:t",
                 inputs={"resourceId": "service/c/svc", "serviceNamespace": "ecs", "minCapacity": lo,
                         "maxCapacity": hi, "tags": tags})
    acts = [Res("aws:appautoscaling/scheduledAction:ScheduledAction", f"a{i}", f"urn:a{i}",
                inputs={"resourceId": "service/c/svc", "serviceNamespace": "ecs", **a})
            for i, a in enumerate(_actions(f"cron(0 8 ? * {days} *)", f"cron(0 {8 + hours_per_day} ? * {days} *)",
                                           timezone, timezone, hi))]
    return [td, svc, target, *acts]


def _fargate(est: dict, peak: bool = False) -> float:
    return sum(l["peak_usd" if peak else "monthly_usd"] for l in est["lines"] if l["price_key"].startswith("fargate/"))


def test_a_scheduled_service_is_priced_for_the_plans_hours():
    est = cost_model.estimate(_service(10), usage={})
    assert _fargate(est) == pytest.approx(217.262 * ARM_TASK_HOUR, rel=1e-5)  # 10 x 5 x 365 / 84
    assert _fargate(est, peak=True) == pytest.approx(2 * 217.262 * ARM_TASK_HOUR, rel=1e-5)  # max 2 tasks
    assert any("10 h a day x 21.73 days (5 a week" in a for a in est["assumptions"])
    est = cost_model.estimate(_service(10, days="MON-THU"), usage={})
    assert _fargate(est) == pytest.approx(173.810 * ARM_TASK_HOUR, rel=1e-5)  # 10 x 4 x 365 / 84


def test_a_stale_days_a_month_tag_does_not_change_the_hours():
    """The crons decide: a day count on the target (older programs tagged daysPerMonth) is ignored."""
    assert _fargate(cost_model.estimate(_service(10, "5"), usage={})) == \
        pytest.approx(_fargate(cost_model.estimate(_service(10), usage={})))


def test_expected_tasks_held_inside_the_scalable_target_and_peak_at_its_maximum():
    # desiredCount 1 under a minimum of 3: Application Auto Scaling runs 3; peak 20
    res = _service(8, desired=1, lo=3, hi=20)
    res = [r for r in res if not r.type.endswith("ScheduledAction")]
    est = cost_model.estimate(res, usage={})
    assert _fargate(est) == pytest.approx(3 * H * ARM_TASK_HOUR)
    assert _fargate(est, peak=True) == pytest.approx(20 * H * ARM_TASK_HOUR)


@pytest.mark.heavy
@pytest.mark.parametrize("days, hours", [("MON-FRI", 217.262), ("MON-THU", 173.810), ("MON,TUE,WED,THU", 173.810)])
def test_the_recorded_dev_stack_with_a_10_hour_day(days, hours):
    """On the real program: schedule.hoursPerDay=10 on schedule.days -> 10 h x days a week x 365 / 84."""
    from preflight.program import record_plan

    plan = record_plan("dev", ["schedule.hoursPerDay=10", f"schedule.days={days}"])
    crons = {r["inputs"]["schedule"] for r in plan["resources"] if r["type"].endswith("ScheduledAction")}
    assert crons == {f"cron(0 8 ? * {days.replace('MON,TUE,WED,THU', 'MON-THU')} *)",
                     f"cron(0 18 ? * {days.replace('MON,TUE,WED,THU', 'MON-THU')} *)"}
    est = cost_model.estimate(cost_model.from_plan(plan))
    vcpu = [l for l in est["lines"] if l["price_key"] == "fargate/vcpu-hour/ARM64"]
    assert len(vcpu) == 7 and {round(l["attrs"]["hours"], 3) for l in vcpu} == {hours}
    assert sum(l["monthly_usd"] for l in vcpu) == pytest.approx(7 * 0.25 * hours * 0.03238, rel=1e-5)
