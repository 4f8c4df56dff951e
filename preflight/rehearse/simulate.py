"""Application Auto Scaling of one ECS service against a load profile, step by step.

The semantics, each from AWS's documentation (sources in docs/rehearsal.md):

* metrics: ECS sends CPUUtilization / MemoryUtilization of a service once a minute, the
  average over its running tasks; ALB RequestCountPerTarget is a minute's requests over the
  healthy targets.  A minute's datapoint is visible ``metricDelaySeconds`` after it closes.
* alarms are evaluated once a minute; an alarm in ALARM invokes its scaling policy every
  minute it stays there (CloudWatch invokes Auto Scaling actions once per minute).
* target tracking: AWS's alarms are "above the target for 3 of 3 one-minute datapoints"
  (scale out) and "below 90 % of the target for 15 of 15" (scale in); the new capacity is
  ceil(capacity x metric / target).  Several target-tracking policies: scale out when any asks,
  scale in only when all are ready to; the largest capacity wins.
* step scaling: the step whose interval holds (metric - threshold); PercentChangeInCapacity
  rounds toward zero (values between -1 and 1 become +-1), then MinAdjustmentMagnitude.
* cooldowns: during a scale-out cooldown the capacity the initiating scale-out added counts as
  already there - the policy scales out again only to a larger capacity computed from the
  capacity before it; a scale-in cooldown blocks that policy's scale-ins, and any scale-out
  ends it.  Policies firing together: the largest capacity wins, scale-out before scale-in.
* min/max clamp every result; scheduled actions change min/max when they fire (a capacity
  outside the new range moves into it).
* a new task serves after ``taskStartSeconds`` plus, behind an ALB, the target group's
  healthy threshold x interval; until then it counts in the ECS metrics (idle) but takes no
  requests.  A removed task stops at once.  Tasks are billed from launch to stop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Optional

from .model import LatencyAlarm, ServiceModel, Step
from .load_profile import Profile
from .schedule import fires

INF = float("inf")


# --------------------------------------------------------------------------- AWS arithmetic
def tracking_capacity(current: int, metric: float, target: float) -> int:
    """Target tracking's new capacity: ceil(current x metric / target) (rounded up, so it never
    adds too little).  A tiny tolerance keeps 3 x 70 / 70 at 3, not 4, under float error."""
    if target <= 0 or not math.isfinite(metric):
        return current
    return int(math.ceil(current * metric / target - 1e-9))


def round_percent_change(change: float) -> int:
    """A PercentChangeInCapacity result in tasks, as AWS rounds it: above 1 down (12.7 -> 12),
    between 0 and 1 to 1, between -1 and 0 to -1, below -1 up (-6.67 -> -6); 0 stays 0."""
    if change == 0:
        return 0
    if -1 < change < 1:
        return 1 if change > 0 else -1
    return int(math.floor(change)) if change > 0 else int(math.ceil(change))


def step_capacity(current: int, adjustment_type: str, adjustment: float, min_magnitude: int = 0) -> int:
    """The capacity a step adjustment asks for from ``current`` (before min/max)."""
    if adjustment_type == "ExactCapacity":
        return int(adjustment)
    if adjustment_type == "ChangeInCapacity":
        return current + int(adjustment)
    delta = round_percent_change(current * adjustment / 100.0)
    if min_magnitude and 0 < abs(delta) < min_magnitude:
        delta = min_magnitude if delta > 0 else -min_magnitude
    return current + delta


def matching_step(steps: tuple[Step, ...], breach: float, above: bool) -> Optional[Step]:
    """The step whose interval holds ``breach`` (= metric - threshold).  Above the threshold the
    lower bound is inclusive and the upper exclusive; below it the other way round."""
    for s in steps:
        lo = -INF if s.lower is None else s.lower
        hi = INF if s.upper is None else s.upper
        if above and lo <= breach < hi:
            return s
        if not above and lo < breach <= hi:
            return s
    return None


def breaches(op: str, value: float, threshold: float) -> bool:
    return {"GreaterThanOrEqualToThreshold": value >= threshold, "GreaterThanThreshold": value > threshold,
            "LessThanThreshold": value < threshold, "LessThanOrEqualToThreshold": value <= threshold}.get(op, False)


def alarm_state(points: list[float], op: str, threshold: float, evaluation: int, to_alarm: int) -> bool:
    """In ALARM when at least ``to_alarm`` of the last ``evaluation`` datapoints breach; fewer
    datapoints than ``evaluation`` is not ALARM (INSUFFICIENT_DATA)."""
    if len(points) < evaluation:
        return False
    return sum(1 for v in points[-evaluation:] if breaches(op, v, threshold)) >= to_alarm


def period_points(points: list[float], period: int) -> list[float]:
    """One-minute datapoints averaged into ``period``-second datapoints (whole periods only)."""
    k = max(1, period // 60)
    if k == 1:
        return list(points)
    return [sum(points[i:i + k]) / k for i in range(0, len(points) - k + 1, k)]


# --------------------------------------------------------------------------- state
@dataclass
class PolicyState:
    out_until: float = -INF
    out_base: int = 0
    in_until: float = -INF


@dataclass
class Task:
    launched: float
    running: float      # container started: counts in the ECS metrics
    serving: float      # healthy behind the ALB (= running without one)
    stopped: Optional[float] = None


@dataclass
class Capacity:
    """What one task of the service does under load (from the profile's capacity model)."""

    requests_per_second: float      # user requests the service sees per second per user
    full_rps: float                 # requests/s one task serves at 100 % CPU
    service_time: float             # seconds, one request on an idle task
    memory_base: float
    memory_per_rps: float
    memory_mib: float


def capacity_of(svc: ServiceModel, prof: Profile) -> Capacity:
    c = prof.service(svc.service)
    return Capacity(requests_per_second=c["requestShare"] * prof["load"]["requestsPerUserPerSecond"],
                    full_rps=svc.cpu_units / 1024.0 * c["requestsPerVcpuSecond"],
                    service_time=c["serviceTimeMs"] / 1000.0, memory_base=c["memoryBaseMiB"],
                    memory_per_rps=c["memoryPerRequestPerSecondMiB"], memory_mib=float(svc.memory_mib))


def cpu_target(svc: ServiceModel) -> float:
    """The CPU target-tracking value (percent); 100 when the service has none."""
    return next((p.target for p in svc.tracking if p.metric == "cpu"), 100.0)


@dataclass
class Result:
    service: str
    step: int
    times: list[float] = field(default_factory=list)
    users: list[float] = field(default_factory=list)
    rps: list[float] = field(default_factory=list)
    desired: list[int] = field(default_factory=list)
    running: list[int] = field(default_factory=list)
    serving: list[int] = field(default_factory=list)
    needed: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)          # ECS service CPU (average over running tasks)
    utilisation: list[float] = field(default_factory=list)  # offered load / capacity of serving tasks
    latency: list[float] = field(default_factory=list)      # mean response time, seconds (inf = overloaded)
    minutes: list[dict[str, float]] = field(default_factory=list)   # one-minute datapoints
    events: list[dict[str, Any]] = field(default_factory=list)
    task_seconds: float = 0.0
    min_max: list[tuple[int, int]] = field(default_factory=list)


# --------------------------------------------------------------------------- the loop
def simulate(svc: ServiceModel, prof: Profile, latency_alarm: Optional[LatencyAlarm] = None) -> Result:
    pf = prof["platform"]
    dt = int(pf["stepSeconds"])
    duration = prof.duration_seconds
    cap = capacity_of(svc, prof)
    hc = (svc.health_check.interval * svc.health_check.healthy_threshold) if svc.health_check else 0.0
    start_time = _start(prof)
    lo, hi = svc.min_capacity, svc.max_capacity
    desired = min(max(svc.desired, lo), hi)
    tasks = [Task(0.0, 0.0, 0.0) for _ in range(desired)]   # warm: serving at t=0
    states = {p.name: PolicyState() for p in (*svc.tracking, *svc.step)}
    minute: dict[str, list[float]] = {"cpu": [], "memory": [], "requests": [], "serving": [], "latency": [],
                                      "rps": []}
    visible: list[tuple[float, dict[str, float]]] = []   # (visible from, datapoint)
    res = Result(service=svc.service, step=dt)
    target = cpu_target(svc)

    def apply(new: int, t: float, why: str) -> None:
        nonlocal desired
        new = min(max(new, lo), hi)
        if new == desired:
            return
        res.events.append({"t": t, "from": desired, "to": new, "why": why})
        live = [k for k in tasks if k.stopped is None]
        if new > len(live):
            for _ in range(new - len(live)):
                run = t + pf["taskStartSeconds"]
                tasks.append(Task(t, run, run + hc))
        else:
            # Stop the youngest first (they serve least); a stopped task no longer counts or costs.
            for k in sorted(live, key=lambda k: -k.launched)[: len(live) - new]:
                k.stopped = t
        desired = new

    t = 0.0
    while t < duration:
        # Scheduled actions fire at the start of their minute.
        if start_time is not None and t % 60 == 0:
            now = start_time + timedelta(seconds=t)
            for a in svc.scheduled:
                if fires(a.schedule, a.timezone, now):
                    lo = a.min_capacity if a.min_capacity is not None else lo
                    hi = a.max_capacity if a.max_capacity is not None else hi
                    res.events.append({"t": t, "scheduled": a.name, "min": lo, "max": hi})
                    apply(desired, t, f"scheduled action {a.name}")
        # Alarms are evaluated once a minute on the datapoints visible by then.
        if t % 60 == 0 and t > 0:
            _evaluate(svc, pf, states, [p for v, p in visible if v <= t], desired, t, apply)
        live = [k for k in tasks if k.stopped is None]
        n_run = sum(1 for k in live if k.running <= t)
        n_srv = sum(1 for k in live if k.serving <= t)
        users = prof.users_at(t)
        rps = users * cap.requests_per_second
        rho = rps / (n_srv * cap.full_rps) if n_srv else (INF if rps > 0 else 0.0)
        per_task = min(rho, 1.0)
        cpu = 100.0 * per_task * n_srv / n_run if n_run else 0.0
        mem_serving = cap.memory_base + cap.memory_per_rps * per_task * cap.full_rps
        mem = 100.0 * (mem_serving * n_srv + cap.memory_base * (n_run - n_srv)) / (n_run * cap.memory_mib) if n_run else 0.0
        lat = cap.service_time / (1.0 - rho) if rho < 1.0 else INF
        need = int(math.ceil(rps / (cap.full_rps * target / 100.0) - 1e-9)) if rps > 0 else 0
        res.times.append(t)
        res.users.append(users)
        res.rps.append(rps)
        res.desired.append(desired)
        res.running.append(n_run)
        res.serving.append(n_srv)
        res.needed.append(need)
        res.cpu.append(cpu)
        res.utilisation.append(rho)
        res.latency.append(lat)
        res.min_max.append((lo, hi))
        res.task_seconds += len(live) * dt
        if n_run:
            minute["cpu"].append(cpu)
            minute["memory"].append(mem)
        minute["requests"].append(rps * dt)
        minute["serving"].append(n_srv)
        minute["latency"].append(lat)
        minute["rps"].append(rps)
        t += dt
        if t % 60 == 0:
            point = _close_minute(minute)
            res.minutes.append({"t": t - 60, **point})
            visible.append((t + pf["metricDelaySeconds"], point))
            minute = {k: [] for k in minute}
    return res


def _start(prof: Profile) -> Optional[datetime]:
    s = prof["load"].get("start")
    if not s:
        return None
    d = datetime.fromisoformat(s.replace("Z", "+00:00"))
    if d.tzinfo is None:
        from datetime import timezone

        d = d.replace(tzinfo=timezone.utc)
    return d


def _close_minute(m: dict[str, list[float]]) -> dict[str, float]:
    serving = sum(m["serving"]) / len(m["serving"]) if m["serving"] else 0.0
    requests = sum(m["requests"])
    lat = m["latency"]
    rps = m["rps"]
    # The minute's mean response time, weighted by the requests of each step (inf when overloaded).
    total = sum(rps)
    mean_lat = (sum(r * x for r, x in zip(rps, lat)) / total if total else (sum(lat) / len(lat) if lat else 0.0))
    return {"cpu": (sum(m["cpu"]) / len(m["cpu"])) if m["cpu"] else math.nan,
            "memory": (sum(m["memory"]) / len(m["memory"])) if m["memory"] else math.nan,
            # No healthy target: the ALB publishes no RequestCountPerTarget datapoint (missing data).
            "requests": requests / serving if serving else math.nan,
            "latency": mean_lat, "requestCount": requests}


def _series(points: list[dict[str, float]], metric: str) -> list[float]:
    return [p[metric] for p in points if not math.isnan(p[metric])]


def _evaluate(svc: ServiceModel, pf: dict[str, Any], states: dict[str, PolicyState],
              points: list[dict[str, float]], desired: int, t: float, apply) -> None:
    """One minute of alarm evaluation and policy execution."""
    outs: list[tuple[int, str]] = []
    ins: list[tuple[int, str]] = []
    # Target tracking: the alarms AWS creates for each policy.
    ready_in: list[tuple[int, str]] = []
    all_ready_in = bool(svc.tracking)
    for p in svc.tracking:
        series = _series(points, p.metric)
        st = states[p.name]
        high = alarm_state(series, "GreaterThanThreshold", p.target, pf["scaleOutDatapoints"], pf["scaleOutDatapoints"])
        low = alarm_state(series, "LessThanThreshold", p.target * pf["scaleInThresholdRatio"],
                          pf["scaleInDatapoints"], pf["scaleInDatapoints"])
        if high:
            base = st.out_base if t < st.out_until else desired
            want = tracking_capacity(base, series[-1], p.target)
            if want > desired:
                outs.append((want, p.name))
        if low and not p.disable_scale_in and t >= st.in_until:
            ready_in.append((tracking_capacity(desired, series[-1], p.target), p.name))
        elif not p.disable_scale_in:
            all_ready_in = False
    if all_ready_in and ready_in:
        ins.append(max(ready_in))
    # Step scaling: each policy's own alarms.
    for sp in svc.step:
        st = states[sp.name]
        for a in sp.alarms:
            series = period_points(_series(points, a.metric), a.period)
            if not alarm_state(series, a.operator, a.threshold, a.evaluation_periods, a.datapoints_to_alarm):
                continue
            above = a.operator.startswith("Greater")
            step = matching_step(sp.steps, series[-1] - a.threshold, above)
            if step is None:
                continue
            if step.adjustment > 0 or sp.adjustment_type == "ExactCapacity":
                base = st.out_base if t < st.out_until else desired
                want = step_capacity(base, sp.adjustment_type, step.adjustment, sp.min_adjustment_magnitude)
                if want > desired:
                    outs.append((want, sp.name))
                elif want < desired and t >= st.in_until:
                    ins.append((want, sp.name))
            elif step.adjustment < 0 and t >= st.in_until:
                want = step_capacity(desired, sp.adjustment_type, step.adjustment, sp.min_adjustment_magnitude)
                if want < desired:
                    ins.append((want, sp.name))
    if outs:
        want, name = max(outs)
        st = states[name]
        if t >= st.out_until:
            st.out_base = desired
        st.out_until = t + _cooldown(svc, name, out=True)
        for other in states.values():   # a scale-out ends every scale-in cooldown
            other.in_until = -INF
        apply(want, t, f"scale-out by {name}")
    elif ins:
        want, name = max(ins)           # the largest capacity wins
        states[name].in_until = t + _cooldown(svc, name, out=False)
        apply(want, t, f"scale-in by {name}")


def _cooldown(svc: ServiceModel, name: str, out: bool) -> float:
    for p in svc.tracking:
        if p.name == name:
            return p.scale_out_cooldown if out else p.scale_in_cooldown
    for sp in svc.step:
        if sp.name == name:
            return sp.cooldown
    return 0.0


# --------------------------------------------------------------------------- the latency alarm
def latency_alarm_minutes(minute_latency: list[float], alarm: Optional[LatencyAlarm]) -> int:
    """Minutes the seed's latency alarm is in ALARM for these one-minute mean response times.

    Under M/M/1 (FCFS) a request's response time is exponential with the mean T, so a pNN
    statistic is T x ln(1 / (1 - NN/100)); ``Average`` uses T itself."""
    if alarm is None:
        return 0
    factor = 1.0
    stat = alarm.statistic.lower()
    if stat.startswith("p"):
        try:
            q = float(stat[1:]) / 100.0
            factor = math.log(1.0 / (1.0 - q)) if 0 < q < 1 else 1.0
        except ValueError:
            factor = 1.0
    values = period_points([x * factor for x in minute_latency], alarm.period)
    per = max(1, alarm.period // 60)
    count = 0
    for i in range(len(values)):
        if alarm_state(values[: i + 1], "GreaterThanThreshold", alarm.threshold, alarm.evaluation_periods,
                       alarm.datapoints_to_alarm):
            count += per
    return count
