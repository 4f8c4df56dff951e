"""The data tier: one PostgreSQL database per owning service, the cache, shared EFS.

Every resource sits in the private subnets behind its own security group with no
rules; ``access`` lists who may use what, and the compute tier turns each record
into an ingress rule from that service's security group, task-role statements,
container environment/secrets and EFS volumes.  Only secret ARNs leave this tier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_aws as aws

from ..shared.access import ServiceAccess
from .cache import Cache, CacheArgs
from .database import Database, DatabaseArgs
from .efs import SharedFileSystem, SharedFileSystemArgs
from ..config.settings import Settings


@dataclass
class DataArgs:
    """Inputs of the data tier."""

    settings: Settings
    """Stack settings: database.*, cache.*, efs.mountedBy, multiAz.database/cache, azCount,
    deletionProtection (also the Pulumi ``protect`` option on stateful resources), logRetentionDays."""
    vpc_id: pulumi.Input[str]
    """VPC of the security groups."""
    private_subnet_ids: pulumi.Output[list[str]]
    """Private subnets, ``settings.config.azCount`` of them (one per AZ)."""


class Data(pulumi.ComponentResource):
    """RDS PostgreSQL per owner, ElastiCache and EFS."""

    databases: pulumi.Output[dict[str, dict[str, Any]]]
    """owner -> {endpoint, address, port, secret_arn, identifier}: the secret's ARN, never its value."""
    db_instance_ids: dict[str, pulumi.Output[str]]
    """owner -> primary DB instance identifier (alarms)."""
    db_instance_arns: dict[str, pulumi.Output[str]]
    """owner -> primary DB instance ARN (FIS failover experiments)."""
    cache_replication_group_id: pulumi.Output[str]
    redis_endpoint: pulumi.Output[str]
    """Primary endpoint as "host:port" (TLS and AUTH required)."""
    redis_auth_secret_arn: pulumi.Output[str]
    efs_id: pulumi.Output[str]
    access: list[ServiceAccess]

    def __init__(self, name: str, args: DataArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("platform:data:Data", name, None, opts)
        settings = args.settings
        cfg = settings.config
        child = pulumi.ResourceOptions(parent=self)

        subnet_group = aws.rds.SubnetGroup(
            f"{name}-db-subnets",
            description="PostgreSQL databases: private subnets",
            subnet_ids=args.private_subnet_ids,
            tags=settings.tags("data"),
            opts=child,
        )
        self.database_components: dict[str, Database] = {
            owner: Database(f"{name}-{owner}", DatabaseArgs(
                settings=settings, owner=owner, vpc_id=args.vpc_id, subnet_group_name=subnet_group.name,
            ), opts=child)
            for owner in cfg.database.owners
        }
        self.cache = Cache(f"{name}-cache", CacheArgs(
            settings=settings, vpc_id=args.vpc_id, subnet_ids=args.private_subnet_ids), opts=child)
        self.shared_fs = SharedFileSystem(f"{name}-efs", SharedFileSystemArgs(
            settings=settings, vpc_id=args.vpc_id, subnet_ids=args.private_subnet_ids), opts=child)

        dbs = self.database_components
        self.databases = pulumi.Output.all(**{
            owner: pulumi.Output.all(endpoint=d.endpoint, address=d.address, port=d.port,
                                     secret_arn=d.secret_arn, identifier=d.identifier)
            for owner, d in dbs.items()
        })
        self.db_instance_ids = {owner: d.identifier for owner, d in dbs.items()}
        self.db_instance_arns = {owner: d.arn for owner, d in dbs.items()}
        self.cache_replication_group_id = self.cache.replication_group_id
        self.redis_endpoint = self.cache.endpoint
        self.redis_auth_secret_arn = self.cache.auth_secret_arn
        self.efs_id = self.shared_fs.file_system_id
        self.access = [*(d.access for d in dbs.values()), self.cache.access, *self.shared_fs.access]

        self.register_outputs({
            "databases": self.databases,
            "redis_endpoint": self.redis_endpoint,
            "efs_id": self.efs_id,
        })
