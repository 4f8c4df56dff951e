"""Sizing: instance classes, task sizes, task counts and storage come from per-stack allow-lists.

The lists live in policies/config/<stack>.json so a stack's sizes are reviewed in
one place; the defaults below are the prod seed sizes (components/settings.py
defaults) plus the next step up, so a stack without a config file gets prod limits.
Mandatory in both stacks.
"""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from ._props import (as_int, as_list, as_str, get, integer, is_unknown, options, resource_policy,
                     string_list)

MANDATORY = EnforcementLevel.MANDATORY

RDS_INSTANCE = "aws:rds/instance:Instance"
CACHE_TYPES = ("aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster")
MSK_CLUSTER = "aws:msk/cluster:Cluster"
MQ_BROKER = "aws:mq/broker:Broker"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SCALABLE_TARGET = "aws:appautoscaling/target:Target"
EBS_VOLUME = "aws:ebs/volume:Volume"


def _check_allowed(args, report_violation, path: str, allowed: list, what: str, default: Any = None) -> None:
    value = as_str(get(args.props, path), default)
    if is_unknown(value) or value is None:
        return
    if value not in allowed:
        report_violation(f"{what} {value} is not allowed in this stack; allowed: {', '.join(allowed) or 'none'}.",
                         None)


# ---- instance classes ----------------------------------------------------------------------------

RDS_CONFIG = {"allowedInstanceClasses": string_list(
    "RDS instance classes this stack may use.",
    ["db.t3.medium", "db.t4g.medium", "db.t3.large", "db.t4g.large", "db.m6g.large", "db.m7g.large"])}


def validate_rds_instance_class(args, report_violation) -> None:
    if args.resource_type != RDS_INSTANCE:
        return
    allowed = options(args, RDS_CONFIG)["allowedInstanceClasses"]
    _check_allowed(args, report_violation, "instanceClass", allowed, "instanceClass")


CACHE_CONFIG = {"allowedNodeTypes": string_list(
    "ElastiCache node types this stack may use.",
    ["cache.t4g.small", "cache.t4g.medium", "cache.m6g.large", "cache.m7g.large"])}


def validate_cache_node_type(args, report_violation) -> None:
    if args.resource_type not in CACHE_TYPES:
        return
    allowed = options(args, CACHE_CONFIG)["allowedNodeTypes"]
    _check_allowed(args, report_violation, "nodeType", allowed, "nodeType")


MSK_CONFIG = {"allowedBrokerTypes": string_list(
    "MSK broker instance types this stack may use.", ["kafka.m5.large", "kafka.m7g.large"])}


def validate_msk_broker_type(args, report_violation) -> None:
    if args.resource_type != MSK_CLUSTER:
        return
    allowed = options(args, MSK_CONFIG)["allowedBrokerTypes"]
    _check_allowed(args, report_violation, "brokerNodeGroupInfo.instanceType", allowed,
                   "brokerNodeGroupInfo.instanceType")


MQ_CONFIG = {"allowedHostTypes": string_list(
    "Amazon MQ host instance types this stack may use.", ["mq.m5.large", "mq.m7g.large"])}


def validate_mq_host_type(args, report_violation) -> None:
    if args.resource_type != MQ_BROKER:
        return
    allowed = options(args, MQ_CONFIG)["allowedHostTypes"]
    _check_allowed(args, report_violation, "hostInstanceType", allowed, "hostInstanceType")


# ---- Fargate task size and architecture --------------------------------------------------------

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


FARGATE_CONFIG = {
    "allowedCpu": {"type": "array", "items": {"type": "integer"}, "default": [256, 512, 1024, 2048],
                   "description": "Task cpu units this stack may use."},
    "maxMemoryMiB": integer("Largest task memory (MiB) this stack may use.", 8192, 512),
}


def validate_fargate_task_size(args, report_violation) -> None:
    if args.resource_type != TASK_DEFINITION or not is_fargate_task(args.props):
        return
    opts = options(args, FARGATE_CONFIG)
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
    _check_allowed(args, report_violation, "runtimePlatform.cpuArchitecture", allowed,
                   "runtimePlatform.cpuArchitecture", "X86_64")


# ---- task counts -------------------------------------------------------------------------------

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


# ---- storage ceilings ----------------------------------------------------------------------------

RDS_STORAGE_CONFIG = {"maxStorageGb": integer(
    "Ceiling (GiB) for allocatedStorage and maxAllocatedStorage of an RDS instance.", 1000, 20)}


def validate_rds_storage_limits(args, report_violation) -> None:
    if args.resource_type != RDS_INSTANCE:
        return
    ceiling = as_int(options(args, RDS_STORAGE_CONFIG)["maxStorageGb"], 1000)
    for key in ("allocatedStorage", "maxAllocatedStorage"):
        value = as_int(get(args.props, key))
        if not is_unknown(value) and value is not None and value > ceiling:
            report_violation(f"{key} {value} GiB is above this stack's ceiling of {ceiling} GiB.", None)


MSK_STORAGE_CONFIG = {"maxStorageGb": integer(
    "Ceiling (GiB) per broker for MSK EBS storage, including its storage-autoscaling maximum.", 1000, 1)}


def validate_msk_storage_limits(args, report_violation) -> None:
    ceiling = as_int(options(args, MSK_STORAGE_CONFIG)["maxStorageGb"], 1000)
    if args.resource_type == MSK_CLUSTER:
        value = as_int(get(args.props, "brokerNodeGroupInfo.storageInfo.ebsStorageInfo.volumeSize"))
        what = "brokerNodeGroupInfo.storageInfo.ebsStorageInfo.volumeSize"
    elif (args.resource_type == SCALABLE_TARGET and as_str(get(args.props, "serviceNamespace")) == "kafka"):
        # MSK storage autoscaling: maxCapacity is the per-broker volume ceiling in GiB.
        value, what = as_int(get(args.props, "maxCapacity")), "storage autoscaling maxCapacity"
    else:
        return
    if not is_unknown(value) and value is not None and value > ceiling:
        report_violation(f"{what} {value} GiB is above this stack's ceiling of {ceiling} GiB per broker.", None)


EBS_CONFIG = {"maxVolumeGb": integer("Ceiling (GiB) for an EBS volume.", 500, 1)}


def validate_ebs_volume_size(args, report_violation) -> None:
    if args.resource_type != EBS_VOLUME:
        return
    ceiling = as_int(options(args, EBS_CONFIG)["maxVolumeGb"], 500)
    size = as_int(get(args.props, "size"))
    if not is_unknown(size) and size is not None and size > ceiling:
        report_violation(f"size {size} GiB is above this stack's ceiling of {ceiling} GiB.", None)


# ---- policies ----------------------------------------------------------------------------------

def _fix(setting: str) -> str:
    return f"Use a size from this stack's allow-list ({setting}) or widen the list in policies/config/<stack>.json."


POLICIES = [
    resource_policy("allowed-rds-instance-classes", "RDS instance classes come from the stack's allow-list.",
                    validate_rds_instance_class, MANDATORY, Severity.MEDIUM, _fix("database.instanceClass"),
                    RDS_CONFIG),
    resource_policy("allowed-cache-node-types", "ElastiCache node types come from the stack's allow-list.",
                    validate_cache_node_type, MANDATORY, Severity.MEDIUM, _fix("cache.nodeType"), CACHE_CONFIG),
    resource_policy("allowed-msk-broker-types", "MSK broker types come from the stack's allow-list.",
                    validate_msk_broker_type, MANDATORY, Severity.MEDIUM, _fix("kafka.brokerType"), MSK_CONFIG),
    resource_policy("allowed-mq-host-types", "Amazon MQ host types come from the stack's allow-list.",
                    validate_mq_host_type, MANDATORY, Severity.MEDIUM, _fix("mq.hostType"), MQ_CONFIG),
    resource_policy("allowed-fargate-task-sizes",
                    "Fargate task cpu comes from the stack's allow-list and memory stays under its ceiling.",
                    validate_fargate_task_size, MANDATORY, Severity.MEDIUM,
                    _fix("services.<name>.cpu/memory or serviceSizeOverride"), FARGATE_CONFIG),
    resource_policy("allowed-cpu-architectures", "Fargate task CPU architecture comes from the stack's allow-list.",
                    validate_task_architecture, MANDATORY, Severity.LOW,
                    "Set runtimePlatform.cpuArchitecture (settings services.<name>.architecture).", ARCH_CONFIG),
    resource_policy("task-count-limits",
                    "ECS service autoscaling minCapacity/maxCapacity stay within the stack's floor and ceiling.",
                    validate_task_count_limits, MANDATORY, Severity.MEDIUM,
                    "Adjust settings scaling.minCount/maxCount or the limits in policies/config/<stack>.json.",
                    COUNT_CONFIG),
    resource_policy("rds-storage-limits", "RDS allocatedStorage and maxAllocatedStorage stay under the ceiling.",
                    validate_rds_storage_limits, MANDATORY, Severity.MEDIUM,
                    "Lower database.allocatedStorageGb/maxAllocatedStorageGb or raise maxStorageGb.",
                    RDS_STORAGE_CONFIG),
    resource_policy("msk-storage-limits", "MSK broker storage (and its autoscaling maximum) stays under the ceiling.",
                    validate_msk_storage_limits, MANDATORY, Severity.MEDIUM,
                    "Lower kafka.storageGb/maxStorageGb or raise maxStorageGb.", MSK_STORAGE_CONFIG),
    resource_policy("ebs-volume-size-limit", "EBS volumes stay under the stack's size ceiling.",
                    validate_ebs_volume_size, MANDATORY, Severity.LOW,
                    "Use a smaller volume or raise maxVolumeGb.", EBS_CONFIG),
]
