"""What to change when the configuration cannot keep up, found by re-running the simulation.

Each candidate changes one stack setting (components/config/settings.py ScalingSettings; the
keys are shared by every service) on the service's model and rehearses it again; advice names
the key, the value and what the simulation shows with it.
"""

from __future__ import annotations

import math
from typing import Any, Optional

from .model import LatencyAlarm, ServiceModel
from .load_profile import Profile
from .simulate import Capacity, Result, capacity_of, cpu_target, latency_alarm_minutes, simulate

Score = dict[str, float]


def score(res: Result, alarm: Optional[LatencyAlarm], needed: Optional[list[int]] = None) -> Score:
    """A run's figures; ``needed``: the tasks needed per step by the plan's own CPU target, so that a
    trial with another target is judged against the same need."""
    dt = res.step / 60.0
    return {"alarm_minutes": float(latency_alarm_minutes([m["latency"] for m in res.minutes], alarm)),
            "overloaded_minutes": sum(dt for u in res.utilisation if u >= 1.0),
            "under_minutes": sum(dt for s, n in zip(res.serving, needed or res.needed) if s < n),
            "task_hours": res.task_seconds / 3600.0,
            "scaling_activities": float(sum(1 for e in res.events if "to" in e))}


def _with_step_out(svc: ServiceModel, percent: float, cooldown: Optional[float] = None) -> ServiceModel:
    steps = []
    for sp in svc.step:
        if any(s.adjustment > 0 for s in sp.steps):
            sp = type(sp)(sp.name, sp.adjustment_type, sp.cooldown if cooldown is None else cooldown,
                          sp.min_adjustment_magnitude,
                          tuple(type(s)(s.lower, s.upper, percent if s.adjustment > 0 else s.adjustment)
                                for s in sp.steps), sp.alarms)
        steps.append(sp)
    return svc.with_changes(step=tuple(steps))


def _with_tracking(svc: ServiceModel, metric: str, **changes: float) -> ServiceModel:
    tracking = tuple(type(p)(p.name, p.metric, changes.get("target", p.target),
                             changes.get("scale_out_cooldown", p.scale_out_cooldown),
                             p.scale_in_cooldown, p.disable_scale_in) if metric in (p.metric, "*") else p
                     for p in svc.tracking)
    return svc.with_changes(tracking=tracking)


def _cooldown_everywhere(svc: ServiceModel, seconds: float) -> ServiceModel:
    svc = _with_tracking(svc, "*", scale_out_cooldown=seconds)
    steps = tuple(type(sp)(sp.name, sp.adjustment_type, seconds if any(s.adjustment > 0 for s in sp.steps)
                           else sp.cooldown, sp.min_adjustment_magnitude, sp.steps, sp.alarms) for sp in svc.step)
    return svc.with_changes(step=steps)


def advise(svc: ServiceModel, prof: Profile, base: Result, alarm: Optional[LatencyAlarm]) -> list[dict[str, Any]]:
    """Advice for one service (empty when it keeps up)."""
    cap: Capacity = capacity_of(svc, prof)
    now = score(base, alarm)
    out: list[dict[str, Any]] = []
    peak_need = max(base.needed) if base.needed else 0

    def trial(key: str, old: Any, new: Any, model: ServiceModel, why: str, before: Optional[Score] = None) -> bool:
        """Keep a change only when the simulation shows it helps: fewer latency-alarm minutes, or
        less time under-provisioned, or (without more alarm minutes) 5 % fewer task-hours."""
        ref = before or now
        s = score(simulate(model, prof), alarm, base.needed)
        better = (s["alarm_minutes"] < ref["alarm_minutes"] or s["under_minutes"] < ref["under_minutes"] - 0.5
                  or (s["alarm_minutes"] <= ref["alarm_minutes"] and s["task_hours"] < 0.95 * ref["task_hours"]))
        if better:
            out.append({"key": key, "from": old, "to": new, "why": why, "before": ref, "after": s})
        return better

    # 1. Not enough tasks at the peak even at max capacity.
    if peak_need > svc.max_capacity:
        trial("scaling.maxCount", svc.max_capacity, peak_need,
              svc.with_changes(max_capacity=peak_need),
              f"the peak needs {peak_need} tasks at the {cpu_target(svc):g} % CPU target "
              f"({max(base.rps):.0f} req/s / {cap.full_rps * cpu_target(svc) / 100:.1f} req/s per task)")
    fixed_max = max(svc.max_capacity, peak_need)
    # 2. Too slow: under-provisioned while below max, or the latency alarm fires.  Judged with
    #    maxCount already at what the peak needs, so a step or target change is credited only for
    #    what it adds on top of that.
    model = svc.with_changes(max_capacity=fixed_max)
    ref = score(simulate(model, prof), alarm, base.needed) if fixed_max != svc.max_capacity else now
    raised = f" (with scaling.maxCount {fixed_max})" if fixed_max != svc.max_capacity else ""
    if ref["alarm_minutes"] > 0 or ref["under_minutes"] > 2:
        current = next((st.adjustment for sp in svc.step for st in sp.steps if st.adjustment > 0), None)
        if current is not None:
            for pct in (200, 300, 500):
                if pct > current and trial("scaling.scaleOutPercent", current, pct, _with_step_out(model, pct),
                                           "a larger step reaches the needed capacity sooner" + raised, ref):
                    break
        cpu = next((p for p in svc.tracking if p.metric == "cpu"), None)
        if cpu is not None:
            for target in (60.0, 50.0, 40.0):
                if target < cpu.target and trial("scaling.cpuTargetPercent", cpu.target, target,
                                                 _with_tracking(model, "cpu", target=target),
                                                 "a lower target leaves headroom while new tasks start" + raised, ref):
                    break
    # 3. Compounding overshoot: the scale-out cooldown is shorter than a new task's time to serve,
    #    so the next evaluation still sees the old metric and scales out again.
    ready = prof["platform"]["taskStartSeconds"] + (
        svc.health_check.interval * svc.health_check.healthy_threshold if svc.health_check else 0)
    cooldowns = [p.scale_out_cooldown for p in svc.tracking]
    over = max(base.desired) > max(peak_need, svc.min_capacity) and cooldowns and min(cooldowns) < ready
    if over:
        seconds = int(math.ceil((ready + prof["platform"]["metricDelaySeconds"]) / 60.0) * 60)
        trial("scaling.scaleOutCooldownSeconds", min(cooldowns), seconds, _cooldown_everywhere(svc, seconds),
              f"the scale-out cooldown ({min(cooldowns):g} s) is shorter than a new task's time to serve "
              f"({ready:g} s) plus the metric delay: each evaluation still sees the old load and scales out again "
              f"(peak {max(base.desired)} tasks where {max(peak_need, svc.min_capacity)} serve at the CPU target)")
    # 4. The ALB requests policy asks for far more than CPU needs.
    req = next((p for p in svc.tracking if p.metric == "requests"), None)
    if req is not None and peak_need and cap.full_rps:
        per_task_minute = cap.full_rps * cpu_target(svc) / 100.0 * 60.0
        if req.target < 0.5 * per_task_minute:
            suggested = int(math.floor(per_task_minute / 100.0) * 100) or int(per_task_minute)
            trial("scaling.requestsPerTarget", req.target, suggested, _with_tracking(svc, "requests", target=suggested),
                  f"{req.target:g} requests per target per minute is {req.target / per_task_minute:.0%} of what a task "
                  f"serves at the CPU target ({per_task_minute:.0f}/min): the requests policy, not CPU, sizes the "
                  "service")
    return out
