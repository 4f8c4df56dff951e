"""Names shared between tiers, and AWS name-length rules.

Pulumi auto-naming appends "-" plus 7 random characters to a logical name, so a
logical name must leave room for 8 characters under the AWS limit.  Limits:
ALB and target group names 32 characters (Elastic Load Balancing API reference,
CreateLoadBalancer/CreateTargetGroup "Name"); IAM role names 64 (IAM User Guide,
"IAM object quotas"); RDS DB identifiers 63, lowercase, starting with a letter
(RDS User Guide, "Naming constraints").  Read 2026-11.
"""

from __future__ import annotations

import hashlib

AUTONAME_SUFFIX = 8  # "-" + 7 random characters

LIMITS = {"lb": 32, "target_group": 32, "iam_role": 64, "rds": 63, "elasticache": 40,
          "mq_broker": 50, "msk_cluster": 64, "log_group": 512, "ecr": 256}


def fit(name: str, limit: int, *, autonamed: bool = False) -> str:
    """Shorten ``name`` to fit ``limit`` (leaving room for the auto-name suffix),
    keeping it unique with a short hash of the full name."""
    room = limit - (AUTONAME_SUFFIX if autonamed else 0)
    if len(name) <= room:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:6]
    return f"{name[: room - 7].rstrip('-')}-{digest}"


def cluster_name(stack: str) -> str:
    """ECS cluster name (explicit, so alarms and dashboards can be built before it)."""
    return f"microservices-{stack}"


def ecs_service_name(service: str) -> str:
    """ECS service name inside the cluster (unique per cluster)."""
    return service


def service_alarm_names(stack: str, service: str, public: bool) -> list[str]:
    """CloudWatch alarm names the observability tier creates for a service and the
    compute tier lists in the ECS deployment alarms (canary rollback).  Public
    services also get a target-group 5xx-rate alarm."""
    names = [f"{stack}-{service}-cpu-high"]
    if public:
        names.append(f"{stack}-{service}-5xx-rate")
    return names
