"""Per-service figures of a rehearsal, as a JSON-able document and as text."""

from __future__ import annotations

import math
from typing import Any, Optional

from .model import LatencyAlarm, PlanModel
from .load_profile import Profile
from .simulate import Result, cpu_target, latency_alarm_minutes

SCHEMA_VERSION = 1


def _finite(x: float) -> Optional[float]:
    return None if x is None or math.isinf(x) or math.isnan(x) else round(x, 4)


def _worst_minute(res: Result) -> Optional[float]:
    worst = max((m["latency"] for m in res.minutes), default=0.0)
    return None if math.isinf(worst) else round(worst * 1000, 1)


def summarise(res: Result, svc, prof: Profile, price: Optional[float], alarm: Optional[LatencyAlarm],
              hours_per_month: float) -> dict[str, Any]:
    dt = res.step
    peak_need = max(res.needed) if res.needed else 0
    surge = prof.surge_start
    reached = next((t for t, s in zip(res.times, res.serving) if t >= surge and peak_need and s >= peak_need), None)
    at_max = sum(dt for d, n, (lo, hi) in zip(res.desired, res.needed, res.min_max) if d >= hi and n > hi) / 60.0
    lat_minutes = latency_alarm_minutes([m["latency"] for m in res.minutes], alarm)
    task_hours = res.task_seconds / 3600.0
    cost = None if price is None else task_hours * price
    days = hours_per_month / 24.0
    finite_lat = [x for x in res.latency if not math.isinf(x)]
    ins = [e for e in res.events if "to" in e and e["to"] < e["from"]]
    reversals = sum(1 for e in ins if any("to" in o and o["to"] > o["from"] and e["t"] < o["t"] <= e["t"] + 600
                                          for o in res.events))
    return {
        "service": res.service,
        "task": {"cpu": svc.cpu_units, "memory": svc.memory_mib, "arch": svc.arch},
        "scaling": {"min": svc.min_capacity, "max": svc.max_capacity, "cpu_target": cpu_target(svc),
                    "policies": [p.name for p in svc.tracking] + [p.name for p in svc.step]},
        "peak_requests_per_second": round(max(res.rps), 2) if res.rps else 0.0,
        "needed_at_peak": peak_need,
        "max_suffices": peak_need <= svc.max_capacity,
        "peak_tasks": max(res.desired) if res.desired else 0,
        "seconds_to_needed_capacity": None if reached is None else round(reached - surge, 1),
        "minutes_saturated_at_max": round(at_max, 2),
        "minutes_under_provisioned": round(sum(dt for s, n in zip(res.serving, res.needed) if s < n) / 60.0, 2),
        "minutes_overloaded": round(sum(dt for u in res.utilisation if u >= 1.0) / 60.0, 2),
        "latency_alarm_minutes": lat_minutes,
        "peak_cpu_percent": round(max(res.cpu), 1) if res.cpu else 0.0,
        "peak_mean_latency_ms": None if not finite_lat else round(max(finite_lat) * 1000, 1),
        # The worst one-minute mean response time (request-weighted); None: a minute was overloaded.
        "worst_minute_latency_ms": _worst_minute(res),
        "scale_outs": sum(1 for e in res.events if "to" in e and e["to"] > e["from"]),
        "scale_ins": len(ins),
        "scale_in_reversed_within_10_min": reversals,
        "task_hours": round(task_hours, 3),
        "usd_per_task_hour": None if price is None else round(price, 6),
        "rehearsal_usd": None if cost is None else round(cost, 4),
        "daily_per_month_usd": None if cost is None else round(cost * days, 2),
        "events": res.events,
    }


def document(model: PlanModel, prof: Profile, summaries: list[dict[str, Any]], series: dict[str, Result],
             alb: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    total = [s["rehearsal_usd"] for s in summaries if s["rehearsal_usd"] is not None]
    return {
        "schema_version": SCHEMA_VERSION,
        "stack": model.stack,
        "profile": {k: dict(v) if isinstance(v, dict) else v for k, v in prof.items()},
        "duration_seconds": prof.duration_seconds,
        "latency_alarm": None if model.latency_alarm is None else vars(model.latency_alarm),
        "alb_latency_alarm_minutes": alb["minutes"],
        "pricing": meta,
        "totals": {"rehearsal_usd": round(sum(total), 4),
                   "daily_per_month_usd": round(sum(s["daily_per_month_usd"] or 0 for s in summaries), 2),
                   "task_hours": round(sum(s["task_hours"] for s in summaries), 3)},
        "services": summaries,
        "series": {name: {"t": r.times, "users": r.users, "rps": [round(x, 3) for x in r.rps], "desired": r.desired,
                          "running": r.running, "serving": r.serving, "needed": r.needed,
                          "cpu": [round(x, 2) for x in r.cpu],
                          "latency_ms": [None if math.isinf(x) else round(x * 1000, 2) for x in r.latency]}
                   for name, r in series.items()},
        "notes": model.notes,
    }


def _fmt_seconds(s: Optional[float]) -> str:
    if s is None:
        return "never"
    return f"{int(s // 60)} min {int(s % 60):02d} s"


def _ms(value: Optional[float]) -> str:
    return "overload" if value is None else f"{value:.0f}"


def render_text(doc: dict[str, Any]) -> str:
    pr = doc["profile"]["load"]
    lines = [f"== rehearsal of stack {doc['stack']}: {pr['users']:g} users (ramp {pr['rampUpMinutes']:g} min, "
             f"hold {pr['holdMinutes']:g} min, ramp down {pr['rampDownMinutes']:g} min; "
             f"{pr['requestsPerUserPerSecond']:g} req/s per user), {doc['duration_seconds'] // 60} min simulated"]
    la = doc["latency_alarm"]
    if la:
        lines.append(f"latency alarm {la['name']}: {la['statistic']} response time > {la['threshold']:g} s for "
                     f"{la['datapoints_to_alarm']} of {la['evaluation_periods']} x {la['period']} s "
                     f"(ALB-wide: {doc['alb_latency_alarm_minutes']} min in ALARM)")
    lines.append("")
    head = f"{'service':17} {'need':>4} {'max':>4} {'peak':>4} {'to need':>13} {'@max':>6} {'under':>6} " \
           f"{'worst ms':>8} {'alarm':>6} {'flaps':>5} {'task-h':>7} {'cost':>8} {'daily/mo':>9}"
    lines += [head, "-" * len(head)]
    for s in doc["services"]:
        lines.append(f"{s['service']:17} {s['needed_at_peak']:>4} {s['scaling']['max']:>4} {s['peak_tasks']:>4} "
                     f"{_fmt_seconds(s['seconds_to_needed_capacity']):>13} {s['minutes_saturated_at_max']:>6.1f} "
                     f"{s['minutes_under_provisioned']:>6.1f} {_ms(s['worst_minute_latency_ms']):>8} "
                     f"{s['latency_alarm_minutes']:>6} "
                     f"{s['scale_in_reversed_within_10_min']:>5} {s['task_hours']:>7.2f} "
                     f"{'$' + format(s['rehearsal_usd'] or 0, '.2f'):>8} {'$' + format(s['daily_per_month_usd'] or 0, '.2f'):>9}")
    t = doc["totals"]
    lines.append(f"{'total':17} {'':>4} {'':>4} {'':>4} {'':>13} {'':>6} {'':>6} {'':>8} {'':>6} {'':>5} "
                 f"{t['task_hours']:>7.2f} {'$' + format(t['rehearsal_usd'], '.2f'):>8} "
                 f"{'$' + format(t['daily_per_month_usd'], '.2f'):>9}")
    lines.append("")
    lines.append("need: tasks that serve the peak at the CPU target; to need: from the ramp's start until that many "
                 "serve; @max: minutes at max capacity while more were needed; under: minutes with fewer serving "
                 "tasks than needed; worst ms: the worst minute's mean response time (overload: a minute with more "
                 "requests than the tasks serve); alarm: minutes the latency alarm would be in ALARM (M/M/1 per task); flaps: "
                 "scale-ins undone by a scale-out within 10 min; cost: Fargate task-hours x the cost model's price "
                 f"(catalog {doc['pricing'].get('catalog_date', '?')}); daily/mo: the profile run every day for a month.")
    advice = [(s["service"], a) for s in doc["services"] for a in s.get("advice", [])]
    if advice:
        lines += ["", "advice (keys of ScalingSettings, shared by every service; each checked by re-running the "
                      "rehearsal with it):"]
        for name, a in advice:
            b, f = a["before"], a["after"]
            lines.append(f"  {name}: {a['key']} {a['from']:g} -> {a['to']:g}: {a['why']}; alarm "
                         f"{b['alarm_minutes']:g} -> {f['alarm_minutes']:g} min, under-provisioned "
                         f"{b['under_minutes']:.1f} -> {f['under_minutes']:.1f} min, task-hours "
                         f"{b['task_hours']:.2f} -> {f['task_hours']:.2f}")
    else:
        lines += ["", "advice: none - every service keeps up under this profile"]
    for n in doc["notes"]:
        lines.append(f"note: {n}")
    return "\n".join(lines)
