"""The data tier: one PostgreSQL database per owning service, the cache, shared EFS.

Every resource sits in the private subnets behind its own security group with no
rules; ``access`` lists who may use what, and the compute tier turns each record
into an ingress rule from that service's security group, task-role statements,
container environment/secrets and EFS volumes.  Only secret ARNs leave this tier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

from ..shared.access import ServiceAccess
from ..shared.tags import tier_tags
from .cache import Cache, CacheArgs, CacheOptions
from .database import Database, DatabaseArgs, DatabaseOptions
from .efs import SharedFileSystem, SharedFileSystemArgs


@dataclass
class DataArgs:
    """Inputs of the data tier."""

    stack: str
    """Stack name, in identifiers and Name tags."""
    vpc_id: pulumi.Input[str]
    """VPC of the security groups."""
    private_subnet_ids: pulumi.Output[list[str]]
    """Private subnets, ``az_count`` of them (one per AZ)."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the tier adds ``service`` and ``tier``."""
    database_owners: Sequence[str] = ("user", "order", "inventory")
    """Services that own a PostgreSQL database (one instance each)."""
    database: DatabaseOptions = field(default_factory=DatabaseOptions)
    """Engine and size of every database."""
    password_auth_owners: Sequence[str] = ()
    """Owners that keep password sign-in to their instance (a migration period) instead of the proxy."""
    cache: CacheOptions = field(default_factory=CacheOptions)
    """The cache and its owner."""
    efs_mounted_by: Sequence[str] = ("inventory", "stream-processor")
    """Services that mount the shared file system."""
    az_count: int = 3
    """AZs of the private subnets (EFS mount targets)."""
    deletion_protection: bool = True
    """Deletion protection, final snapshots and Pulumi ``protect`` on the stateful resources."""
    log_retention_days: int = 30
    """Retention of the log groups."""


class Data(pulumi.ComponentResource):
    """RDS PostgreSQL per owner, ElastiCache and EFS."""

    databases: pulumi.Output[dict[str, dict[str, Any]]]
    """owner -> {endpoint, address, port, secret_arn, identifier, proxy_endpoint}: the secret's ARN, never
    its value."""
    db_instance_ids: dict[str, pulumi.Output[str]]
    """owner -> primary DB instance identifier (alarms)."""
    db_instance_arns: dict[str, pulumi.Output[str]]
    """owner -> primary DB instance ARN (FIS failover experiments)."""
    db_proxy_names: dict[str, pulumi.Output[str]]
    """owner -> RDS Proxy name (pool alarms)."""
    cache_replication_group_id: pulumi.Output[str]
    redis_endpoint: pulumi.Output[str]
    """Primary endpoint as "host:port" (TLS and AUTH required)."""
    redis_auth_secret_arn: pulumi.Output[str]
    efs_id: pulumi.Output[str]
    access: list[ServiceAccess]

    def __init__(self, name: str, args: DataArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("platform:data:Data", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags, protect, retention = args.base_tags, args.deletion_protection, args.log_retention_days

        subnet_group = aws.rds.SubnetGroup(
            f"{name}-db-subnets",
            description="PostgreSQL databases: private subnets",
            subnet_ids=args.private_subnet_ids,
            tags=tier_tags(tags, "data"),
            opts=child,
        )
        self.database_components: dict[str, Database] = {
            owner: Database(f"{name}-{owner}", DatabaseArgs(
                stack=args.stack, owner=owner, vpc_id=args.vpc_id, subnet_group_name=subnet_group.name,
                subnet_ids=args.private_subnet_ids, base_tags=tags, options=args.database,
                deletion_protection=protect, log_retention_days=retention,
                password_auth=owner in args.password_auth_owners),
                opts=child)
            for owner in args.database_owners
        }
        self.cache = Cache(f"{name}-cache", CacheArgs(
            stack=args.stack, vpc_id=args.vpc_id, subnet_ids=args.private_subnet_ids, base_tags=tags,
            options=args.cache, deletion_protection=protect, log_retention_days=retention), opts=child)
        self.shared_fs = SharedFileSystem(f"{name}-efs", SharedFileSystemArgs(
            stack=args.stack, vpc_id=args.vpc_id, subnet_ids=args.private_subnet_ids,
            base_tags=tags, mounted_by=args.efs_mounted_by, az_count=args.az_count, deletion_protection=protect),
            opts=child)

        dbs = self.database_components
        self.databases = pulumi.Output.all(**{
            owner: pulumi.Output.all(endpoint=d.endpoint, address=d.address, port=d.port,
                                     secret_arn=d.secret_arn, identifier=d.identifier,
                                     proxy_endpoint=d.proxy.endpoint)
            for owner, d in dbs.items()
        })
        self.db_instance_ids = {owner: d.identifier for owner, d in dbs.items()}
        self.db_instance_arns = {owner: d.arn for owner, d in dbs.items()}
        self.db_proxy_names = {owner: d.proxy.name for owner, d in dbs.items()}
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
