"""Amazon ECS on Fargate: services, task definitions and their autoscaling targets.

The pack must not import the program, so the Fargate size table is a copy (kept equal to
components/settings.FARGATE_SIZES by tests/test_policies_constraints.py).
"""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import ACCEPTANCE, ADVISORY, AVAILABILITY, MANDATORY, SECURITY, SIZING, Rule
from ..support.allow_list import allow_list_fix, check_allowed
from ..support.options import integer, options, string_list
from ..support.props import as_bool, as_int, as_list, as_str, get, is_unknown

ECS_SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SCALABLE_TARGET = "aws:appautoscaling/target:Target"


# ---- reading task sizes ----------------------------------------------------------------------------

def _parse_size(value: Any, big_unit: str) -> Any:
    """A number, or text in base units ("256") or in ``big_unit`` ("0.25 vCPU", "0.5GB") that
    counts 1024 base units; returns base units, the unknown itself, or None."""
    if is_unknown(value):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    if not isinstance(value, str):
        return None
    m = re.fullmatch(rf"\s*(\d+(?:\.\d+)?)\s*({big_unit})?\s*", value, re.IGNORECASE)
    if not m:
        return None
    number = float(m.group(1))
    return int(round(number * 1024)) if m.group(2) else int(number)


def parse_cpu_units(value: Any) -> Any:
    """ECS accepts cpu as units ("256") or vCPU text ("0.25 vCPU"); returns units or None."""
    return _parse_size(value, "vcpu")


def parse_memory_mib(value: Any) -> Any:
    """ECS accepts memory as MiB ("512") or GB text ("0.5GB"); returns MiB or None."""
    return _parse_size(value, "gb")


def is_fargate_task(props) -> bool:
    compat = as_list(get(props, "requiresCompatibilities"))
    return not is_unknown(compat) and "FARGATE" in compat


# ---- availability: tasks spread over AZs -------------------------------------------------------------

MULTI_AZ_CONFIG = {
    "minTasks": integer("Smallest desiredCount for a service to be spread over two AZs.", 2, minimum=1),
    "minSubnets": integer("Subnets (AZs) a service's awsvpc network configuration must list.", 2, minimum=1),
}


def validate_ecs_service_multi_az(args, report_violation) -> None:
    if args.resource_type != ECS_SERVICE:
        return
    if as_str(get(args.props, "schedulingStrategy"), "REPLICA") == "DAEMON":
        return  # a daemon runs on every instance; there is no count to spread
    opts = options(args, MULTI_AZ_CONFIG)
    min_tasks, min_subnets = as_int(opts["minTasks"], 2), as_int(opts["minSubnets"], 2)
    desired = as_int(get(args.props, "desiredCount"), 0)  # provider default 0
    if not is_unknown(desired) and desired < min_tasks:
        report_violation(f"desiredCount is {desired}; at least {min_tasks} tasks are needed to survive "
                         f"the loss of an AZ.", None)
    subnets = as_list(get(args.props, "networkConfiguration.subnets"))
    if not is_unknown(subnets) and len(subnets) < min_subnets:
        report_violation(f"networkConfiguration.subnets lists {len(subnets)} subnet(s); at least "
                         f"{min_subnets} (one per AZ) required.", None)


# ---- sizing: task size, architecture, task counts ------------------------------------------------------

TASK_SIZE_CONFIG = {
    "allowedCpu": {"type": "array", "items": {"type": "integer"}, "default": [256, 512, 1024, 2048],
                   "description": "Task cpu units this stack may use."},
    "maxMemoryMiB": integer("Largest task memory (MiB) this stack may use.", 8192, 512),
}


def validate_fargate_task_size(args, report_violation) -> None:
    if args.resource_type != TASK_DEFINITION or not is_fargate_task(args.props):
        return
    opts = options(args, TASK_SIZE_CONFIG)
    allowed_cpu = [as_int(c) for c in opts["allowedCpu"]]
    max_memory = as_int(opts["maxMemoryMiB"], 8192)
    cpu = parse_cpu_units(get(args.props, "cpu"))
    memory = parse_memory_mib(get(args.props, "memory"))
    if not is_unknown(cpu) and cpu is not None and cpu not in allowed_cpu:
        report_violation(f"Task cpu {cpu} is not allowed in this stack; allowed: "
                         f"{', '.join(map(str, allowed_cpu))}.", None)
    if not is_unknown(memory) and memory is not None and memory > max_memory:
        report_violation(f"Task memory {memory} MiB is above this stack's ceiling of {max_memory} MiB.", None)


ARCH_CONFIG = {"allowedArchitectures": string_list(
    "runtimePlatform.cpuArchitecture values this stack may use (missing = X86_64).", ["ARM64", "X86_64"])}


def validate_task_architecture(args, report_violation) -> None:
    if args.resource_type != TASK_DEFINITION or not is_fargate_task(args.props):
        return
    allowed = options(args, ARCH_CONFIG)["allowedArchitectures"]
    # AWS default when runtimePlatform is not given: X86_64 (ECS RuntimePlatform API reference).
    check_allowed(args, report_violation, "runtimePlatform.cpuArchitecture", allowed,
                  "runtimePlatform.cpuArchitecture", "X86_64")


COUNT_CONFIG = {
    "minTasks": integer("Smallest autoscaling minCapacity allowed for an ECS service.", 2, 0),
    "maxTasks": integer("Largest autoscaling maxCapacity allowed for an ECS service.", 50, 1),
}


def validate_task_count_limits(args, report_violation) -> None:
    if args.resource_type != SCALABLE_TARGET:
        return
    if as_str(get(args.props, "serviceNamespace")) != "ecs":
        return  # kafka storage targets are judged by msk-storage-limits
    opts = options(args, COUNT_CONFIG)
    low, high = as_int(opts["minTasks"], 0), as_int(opts["maxTasks"], 50)
    min_cap = as_int(get(args.props, "minCapacity"))
    max_cap = as_int(get(args.props, "maxCapacity"))
    if not is_unknown(min_cap) and min_cap is not None and min_cap < low:
        report_violation(f"minCapacity {min_cap} is below this stack's floor of {low} tasks.", None)
    if not is_unknown(max_cap) and max_cap is not None and max_cap > high:
        report_violation(f"maxCapacity {max_cap} is above this stack's ceiling of {high} tasks.", None)


# ---- acceptance: cpu/memory pairs Fargate runs ---------------------------------------------------------

# Fargate task cpu units -> valid memory MiB.  Source: Amazon ECS developer guide, "Task CPU and
# memory" (docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html), read 2026-11.
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}


def validate_fargate_cpu_memory(args, report_violation) -> None:
    if args.resource_type != TASK_DEFINITION or not is_fargate_task(args.props):
        return
    raw_cpu, raw_memory = get(args.props, "cpu"), get(args.props, "memory")
    if is_unknown(raw_cpu) or is_unknown(raw_memory):
        return
    if raw_cpu is None or raw_memory is None:
        report_violation("A Fargate task definition needs task-level cpu and memory.", None)
        return
    cpu, memory = parse_cpu_units(raw_cpu), parse_memory_mib(raw_memory)
    if cpu not in FARGATE_SIZES:
        report_violation(f"cpu {raw_cpu!r} is not a Fargate size; valid: "
                         f"{', '.join(map(str, FARGATE_SIZES))}.", None)
    elif memory not in FARGATE_SIZES[cpu]:
        report_violation(f"memory {raw_memory!r} MiB is not valid with cpu {cpu}; valid: "
                         f"{', '.join(map(str, FARGATE_SIZES[cpu]))}.", None)


# ---- security: no public task IPs -----------------------------------------------------------------------

def validate_ecs_no_public_ip(args, report_violation) -> None:
    if args.resource_type != ECS_SERVICE:
        return
    if as_bool(get(args.props, "networkConfiguration.assignPublicIp"), False) is True:
        report_violation("networkConfiguration.assignPublicIp is true: tasks get public IPs. Run them in "
                         "private subnets behind NAT/VPC endpoints.", None)


RULES = [
    Rule(name="ecs-service-multi-az", area=AVAILABILITY, resource_types=(ECS_SERVICE,),
         description="ECS services run at least `minTasks` tasks over at least `minSubnets` subnets.",
         validate=validate_ecs_service_multi_az, level=ADVISORY, severity=Severity.MEDIUM,
         remediation="Set desiredCount>=2 (settings scaling.desiredCount) and list one private subnet per AZ in "
                     "networkConfiguration.subnets.", config=MULTI_AZ_CONFIG),
    Rule(name="allowed-fargate-task-sizes", area=SIZING, resource_types=(TASK_DEFINITION,),
         description="Fargate task cpu comes from the stack's allow-list and memory stays under its ceiling.",
         validate=validate_fargate_task_size, level=MANDATORY, severity=Severity.MEDIUM,
         remediation=allow_list_fix("services.<name>.cpu/memory or serviceSizeOverride"), config=TASK_SIZE_CONFIG),
    Rule(name="allowed-cpu-architectures", area=SIZING, resource_types=(TASK_DEFINITION,),
         description="Fargate task CPU architecture comes from the stack's allow-list.",
         validate=validate_task_architecture, level=MANDATORY, severity=Severity.LOW,
         remediation="Set runtimePlatform.cpuArchitecture (settings services.<name>.architecture).",
         config=ARCH_CONFIG),
    Rule(name="task-count-limits", area=SIZING, resource_types=(SCALABLE_TARGET,),
         description="ECS service autoscaling minCapacity/maxCapacity stay within the stack's floor and ceiling.",
         validate=validate_task_count_limits, level=MANDATORY, severity=Severity.MEDIUM,
         remediation="Adjust settings scaling.minCount/maxCount or the limits in policies/config/<stack>.json.",
         config=COUNT_CONFIG),
    Rule(name="fargate-cpu-memory-combination", area=ACCEPTANCE, resource_types=(TASK_DEFINITION,),
         description="Fargate task cpu/memory is a pair AWS accepts.",
         validate=validate_fargate_cpu_memory, level=MANDATORY, severity=Severity.HIGH,
         remediation="Pick memory from the valid list for the cpu (README 'Fargate sizes')."),
    Rule(name="ecs-no-public-ip", area=SECURITY, resource_types=(ECS_SERVICE,),
         description="ECS tasks get no public IP.",
         validate=validate_ecs_no_public_ip, level=MANDATORY, severity=Severity.HIGH,
         remediation="Set networkConfiguration.assignPublicIp=false (private subnets).",
         anchors=("CKV_AWS_333",)),
]

# Public checks on Amazon ECS and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='Amazon ECS',
    resource_types=(
        'aws:ecs/cluster:Cluster',
        'aws:ecs/service:Service',
        'aws:ecs/taskDefinition:TaskDefinition',
    ),
    covered={
        'CKV_AWS_333': ('ecs-no-public-ip',),
    },
)
