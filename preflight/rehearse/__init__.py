"""``python -m preflight rehearse``: an offline scaling rehearsal of a stack's recorded plan.

    model.py     what Application Auto Scaling would run, read from the plan
    profile.py   the load profile and capacity model (defaults, --profile FILE, strict checks)
    simulate.py  the simulation (AWS's documented semantics) and the latency alarm
    schedule.py  when scheduled actions fire
    cost.py      Fargate price per task-hour from the cost model
    advice.py    settings changes found by re-running the simulation
    report.py    per-service figures, JSON document, text
    chart.py     one PNG per service

docs/rehearsal.md describes the model and its sources.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Callable, Optional

from ..exits import InputError, show

__all__ = ["check_outputs", "rehearse", "alb_latency_minutes"]


def check_outputs(json_path: Optional[str], charts: Optional[str]) -> None:
    """--json FILE and --charts DIR are writable places, checked before the plan is recorded."""
    if json_path is not None:
        p = Path(json_path)
        if not json_path.strip():
            raise InputError("--json", "empty path", "a file path in an existing directory")
        if p.is_dir():
            raise InputError(f"--json {show(json_path, 120)}", "is a directory", "a file path")
        if not p.parent.exists() if str(p.parent) else False:
            raise InputError(f"--json {show(json_path, 120)}", f"directory {show(str(p.parent), 120)} does not exist",
                             "a file path in an existing directory")
    if charts is not None:
        d = Path(charts)
        if not charts.strip():
            raise InputError("--charts", "empty path", "a directory (created when missing)")
        if d.exists() and not d.is_dir():
            raise InputError(f"--charts {show(charts, 120)}", "is a file", "a directory (created when missing)")
        if not d.exists() and not d.parent.exists():
            raise InputError(f"--charts {show(charts, 120)}", f"parent {show(str(d.parent), 120)} does not exist",
                             "a directory whose parent exists")


def alb_latency_minutes(results: dict[str, Any], model, alarm) -> int:
    """The ALB-wide alarm: per minute the request-weighted mean response time of the services
    behind the ALB (TargetResponseTime averages over all of the load balancer's requests)."""
    from .simulate import latency_alarm_minutes

    behind = [s.service for s in model.services if s.health_check is not None and s.service in results]
    if not behind or alarm is None:
        return 0
    n = min(len(results[s].minutes) for s in behind)
    merged = []
    for i in range(n):
        reqs = [(results[s].minutes[i]["requestCount"], results[s].minutes[i]["latency"]) for s in behind]
        total = sum(r for r, _ in reqs)
        if not total:
            merged.append(0.0)
        elif any(math.isinf(x) and r for r, x in reqs):
            merged.append(math.inf)
        else:
            merged.append(sum(r * x for r, x in reqs) / total)
    return latency_alarm_minutes(merged, alarm)


def rehearse(plan: dict[str, Any], prof, *, advice: bool = True) -> dict[str, Any]:
    """The rehearsal document of ``plan`` (a recorded plan dict) under the profile ``prof``."""
    from .advice import advise
    from .cost import task_hour_prices
    from .model import read_plan
    from .report import document, summarise
    from .simulate import simulate

    model = read_plan(plan)
    prices, meta = task_hour_prices(plan)
    results = {}
    summaries = []
    for svc in model.services:
        res = simulate(svc, prof)
        results[svc.service] = res
        s = summarise(res, svc, prof, prices.get(svc.service_urn), model.latency_alarm, meta["hours_per_month"])
        if advice:
            s["advice"] = advise(svc, prof, res, model.latency_alarm)
        summaries.append(s)
    alb = {"minutes": alb_latency_minutes(results, model, model.latency_alarm)}
    return document(model, prof, summaries, results, alb, meta)


def write_outputs(doc: dict[str, Any], json_path: Optional[str], charts: Optional[str]) -> list[Path]:
    """Write --json and --charts; a write that fails is exit 2 naming the path (as for `check`'s outputs)."""
    written: list[Path] = []
    if json_path is not None:
        try:
            Path(json_path).write_text(json.dumps(doc, indent=1, sort_keys=True, allow_nan=False))
        except OSError as err:
            raise InputError(f"--json {show(json_path, 120)}", f"cannot be written ({err.strerror})",
                             "a writable file path") from None
        written.append(Path(json_path))
    if charts is not None:
        from .chart import write_chart

        d = Path(charts)
        try:
            d.mkdir(exist_ok=True)
            for s in doc["services"]:
                written.append(write_chart(d / f"{doc['stack']}-{s['service']}.png", s, doc["series"][s["service"]]))
        except OSError as err:
            raise InputError(f"--charts {show(charts, 120)}", f"cannot be written ({err.strerror})",
                             "a writable directory") from None
    return written


def run(args: Any, check_stack: Callable[[list[str]], list[str]], record: Callable[[str], dict[str, Any]],
        emit: Callable[[str], None]) -> int:
    """The subcommand: inputs first (profile, outputs, stack name), then validate the stack, record
    its plan and rehearse.  Exit 0 when every service keeps up (no latency-alarm minute, max
    suffices), 1 otherwise."""
    from .load_profile import load_profile
    from .report import render_text

    prof = load_profile(args.profile)
    check_outputs(args.json, args.charts)
    plan = record(check_stack([args.stack])[0])
    doc = rehearse(plan, prof)
    write_outputs(doc, args.json, args.charts)
    emit(render_text(doc))
    return 0
