"""How many tasks an ECS service runs, for how many hours: its scalable target and scheduled actions.

* expected tasks = the service's ``desiredCount`` held inside the scalable target's
  ``[minCapacity, maxCapacity]`` (Application Auto Scaling moves the count into that range when the
  target is registered), and inside the range a scheduled start action sets;
* peak tasks = the largest ``maxCapacity`` of the target and of its scheduled actions;
* hours = the catalog's hours a month, or what the scheduled actions leave on (schedule.py);
* a load generator (tag workload=load-test, components/loadtest/) idles at 0 tasks and runs only when
  started: its tasks are the run's (tag load-test-tasks-per-run) for the billed minutes of a run (tag
  load-test-minutes-per-run) times the runs a month of the usage profile (loadTest.runsPerMonth).

A target or action is matched to its service by ``resourceId`` (``service/<cluster>/<service>``);
when that is unknown (a preview), through its ``resourceId`` property dependency.  The MSK storage
target (``kafka:broker-storage:VolumeSize``) is matched to its cluster the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..facts.tags import LOAD_TEST_TAG, MINUTES_PER_RUN_TAG, TASKS_PER_RUN_TAG
from .context import EstimateContext
from .resources import Res, num, tags_of
from .schedule import schedule_of

SERVICE = "aws:ecs/service:Service"
TARGET = "aws:appautoscaling/target:Target"
ACTION = "aws:appautoscaling/scheduledAction:ScheduledAction"
MSK_CLUSTER = "aws:msk/cluster:Cluster"


@dataclass
class Capacity:
    """Tasks and hours of one ECS service."""

    expected_tasks: float
    peak_tasks: float
    hours: float
    scheduled: bool
    basis: str
    usage: dict = field(default_factory=dict)
    """Usage keys the hours come from (a load generator's runs), empty for a service that runs on its own."""




def load_test_capacity(ctx: EstimateContext, svc: Res) -> Optional[Capacity]:
    """Tasks and hours of a load generator: its run's tasks for runs x minutes a run; None for other services."""
    tags = tags_of(svc.inputs)
    if tags.get(LOAD_TEST_TAG[0]) != LOAD_TEST_TAG[1]:
        return None
    tasks, minutes = num(tags.get(TASKS_PER_RUN_TAG)), num(tags.get(MINUTES_PER_RUN_TAG))
    if tasks is None or minutes is None:
        return None
    runs = ctx.use("loadTest", "runsPerMonth")
    hours = min(runs * minutes / 60.0, ctx.hours)
    basis = f"{runs:g} run(s) a month x {minutes:g} min a run (usage loadTest.runsPerMonth)"
    ctx.assume(f"{svc.name}: load generator at 0 tasks between runs; {tasks:g} task(s) for {basis}")
    return Capacity(tasks, tasks, hours, True, basis, {"loadTest.runsPerMonth": runs})


def _services_named(ctx: EstimateContext, resource_id: str) -> list[str]:
    parts = resource_id.split("/")
    if len(parts) != 3 or parts[0] != "service":
        return []
    name = parts[2]
    return [s.urn for s in ctx.of_type(SERVICE)
            if s.inputs.get("name") == name or s.name == name or name.startswith(s.name + "-")]


def _owner_urns(ctx: EstimateContext, r: Res, owner_type: str, depth: int = 0) -> list[str]:
    """URNs of the ``owner_type`` resources a target/action acts on."""
    rid = r.inputs.get("resourceId")
    if isinstance(rid, str) and rid and owner_type == SERVICE:
        hits = _services_named(ctx, rid)
        if hits:
            return hits
    if isinstance(rid, str) and rid and owner_type == MSK_CLUSTER:
        hits = [c.urn for c in ctx.of_type(MSK_CLUSTER)
                if rid == c.inputs.get("arn") or f"/{c.inputs.get('clusterName') or c.name}/" in rid]
        if hits:
            return hits
    out = []
    for urn in r.property_dependencies.get("resourceId", []) + (r.dependencies if not rid else []):
        d = ctx.by_urn.get(urn)
        if d is None:
            continue
        if d.type == owner_type:
            out.append(d.urn)
        elif d.type == TARGET and depth < 2:
            out.extend(_owner_urns(ctx, d, owner_type, depth + 1))
    return list(dict.fromkeys(out))


def _clamp(v: float, lo: Optional[float], hi: Optional[float]) -> float:
    if lo is not None:
        v = max(v, lo)
    if hi is not None:
        v = min(v, hi)
    return v


def service_capacities(ctx: EstimateContext) -> dict[str, Capacity]:
    """Capacity of every ECS service of the graph, by URN."""
    targets: dict[str, list[Res]] = {}
    actions: dict[str, list[Res]] = {}
    for r in ctx.of_type(TARGET):
        if r.inputs.get("serviceNamespace") in (None, "ecs"):
            for urn in _owner_urns(ctx, r, SERVICE):
                targets.setdefault(urn, []).append(r)
    for r in ctx.of_type(ACTION):
        if r.inputs.get("serviceNamespace") in (None, "ecs"):
            for urn in _owner_urns(ctx, r, SERVICE):
                actions.setdefault(urn, []).append(r)
    weeks = ctx.cat.fact("weeks-per-month")
    out: dict[str, Capacity] = {}
    for svc in ctx.of_type(SERVICE):
        per_run = load_test_capacity(ctx, svc)
        if per_run is not None:
            out[svc.urn] = per_run
            continue
        desired = num(svc.inputs.get("desiredCount"))
        if desired is None:
            desired = 0.0
            ctx.assume(f"{svc.name}: desiredCount not set - priced at 0 tasks (the AWS provider default)")
        target = (targets.get(svc.urn) or [None])[0]
        t_min = num(target.inputs.get("minCapacity")) if target else None
        t_max = num(target.inputs.get("maxCapacity")) if target else None
        expected = _clamp(desired, t_min, t_max)
        peak = max(expected, t_max or 0.0)
        hours, scheduled, basis = ctx.hours, False, ""
        acts = actions.get(svc.urn) or []
        if acts:
            sched, why = schedule_of([a.inputs for a in acts], ctx.hours, weeks)
            if sched is not None:
                hours, scheduled, basis = sched.hours_per_month, True, sched.description
                expected = _clamp(expected, sched.on_min, sched.on_max)
                peak = max(expected, t_max or 0.0, sched.on_max or 0.0)
                ctx.assume(f"{svc.name}: {sched.description} (from its scheduled actions)")
            elif why:
                ctx.assume(f"{svc.name}: {why}; priced always on ({ctx.hours:g} h)")
        out[svc.urn] = Capacity(expected, peak, hours, scheduled, basis)
    return out


def msk_storage_ceiling(ctx: EstimateContext, cluster: Res) -> Optional[float]:
    """GiB per broker the cluster's storage autoscaling may grow to (its target's maxCapacity)."""
    clusters = ctx.of_type(MSK_CLUSTER)
    best = None
    for t in ctx.of_type(TARGET):
        if t.inputs.get("scalableDimension") != "kafka:broker-storage:VolumeSize":
            continue
        owners = _owner_urns(ctx, t, MSK_CLUSTER)
        if cluster.urn in owners or (not owners and len(clusters) == 1):
            hi = num(t.inputs.get("maxCapacity"))
            if hi is not None:
                best = hi if best is None else max(best, hi)
    return best
