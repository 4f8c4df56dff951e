"""What a data or messaging resource grants one service.

Data and messaging tiers are built before compute.  Each publishes a list of
``ServiceAccess`` records; the compute tier turns them into least-privilege
wiring for the named service only: an ingress rule on the resource's security
group from the service's security group, task-role policy statements, container
environment variables and secrets, and EFS volumes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import pulumi


@dataclass
class EfsMount:
    """An EFS access point a service mounts."""

    file_system_id: pulumi.Input[str]
    """EFS file system id."""
    access_point_id: pulumi.Input[str]
    """Access point id (enforces the POSIX user and root directory)."""
    container_path: str = "/mnt/shared"
    """Mount path in the container."""


@dataclass
class ServiceAccess:
    """One grant from a resource to one service."""

    service: str
    """Name of the service the grant is for."""
    description: str
    """Human-readable purpose, used in rule descriptions, e.g. "order database"."""
    security_group_id: Optional[pulumi.Input[str]] = None
    """Security group of the resource to open to the service; None = no network rule."""
    port: Optional[int] = None
    """TCP port to open (to_port = port_to or port)."""
    port_to: Optional[int] = None
    """Upper end of a port range (e.g. MSK 9098); default = port."""
    policy_statements: list[dict[str, Any]] = field(default_factory=list)
    """IAM statements for the service's task role (values may be Outputs)."""
    environment: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """Plain container environment variables (endpoints, ports)."""
    secrets: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """Container secrets: env var name -> Secrets Manager ARN (or ARN:json-key::)."""
    execution_secret_arns: list[pulumi.Input[str]] = field(default_factory=list)
    """Secret ARNs the task *execution* role must read to inject ``secrets``."""
    efs: Optional[EfsMount] = None
    """EFS mount, if any."""
