"""ElastiCache (Redis OSS or Valkey) for the cache owner (inventory).

A cluster-mode-disabled replication group: one primary plus ``cache.replicas``
replicas, with automatic failover and Multi-AZ when ``multiAz.cache`` is on
(dev: a single node).  Encrypted at rest and in transit; clients authenticate
with an AUTH token generated into Secrets Manager (see credentials.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws

from ..shared import naming
from ..shared.access import ServiceAccess
from ..shared.credentials import GeneratedCredentials, GeneratedCredentialsArgs, recovery_window_days, secret_key_ref
from ..shared.tags import tier_tags
from .database import creation_stamp, lower_identifier

PORT = 6379
# Snapshots are a convenience for a cache (the data can be rebuilt): keep one day's
# where deletion protection is on.
SNAPSHOT_RETENTION_DAYS = 1
# Raise to rotate the AUTH token (credentials.py).
AUTH_TOKEN_GENERATION = 1


@dataclass(frozen=True)
class CacheOptions:
    """Engine and size of the cache."""

    owner: str = "inventory"
    """The service that uses the cache; the only one its security group is opened to."""
    engine: str = "redis"
    """redis (Redis OSS) or valkey."""
    engine_version: str = "7.1"
    """Engine version (the in-transit encryption mode needs Redis OSS 7.0 or later, or Valkey)."""
    node_type: str = "cache.t4g.small"
    """Node type of the primary and the replicas."""
    replicas: int = 1
    """Replicas of the primary; one or more turns on automatic failover."""
    multi_az: bool = True
    """Replicas in other AZs with automatic failover (needs ``replicas`` >= 1)."""


@dataclass
class CacheArgs:
    """The cache of one service."""

    stack: str
    """Stack name, in the replication group id and descriptions."""
    vpc_id: pulumi.Input[str]
    """VPC of the security group."""
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets (one per AZ) for the subnet group."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the cache adds ``service`` (the owner) and ``tier``."""
    options: CacheOptions = field(default_factory=CacheOptions)
    """Engine and size."""
    deletion_protection: bool = True
    """Daily snapshots with a final one on delete, and Pulumi ``protect``."""
    log_retention_days: int = 30
    """Retention of the slow-log group."""


class Cache(pulumi.ComponentResource):
    """An encrypted, authenticated ElastiCache replication group."""

    replication_group_id: pulumi.Output[str]
    primary_endpoint_address: pulumi.Output[str]
    reader_endpoint_address: pulumi.Output[str]
    port: pulumi.Output[int]
    endpoint: pulumi.Output[str]
    auth_secret_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    access: ServiceAccess

    def __init__(self, name: str, args: CacheArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("platform:data:Cache", name, None, opts)
        cache = args.options
        owner = cache.owner
        tags = tier_tags(args.base_tags, "data", owner)
        protect = args.deletion_protection
        group_id = lower_identifier(args.stack, owner, "cache", limit=naming.LIMITS["elasticache"])

        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description=f"{owner} {cache.engine}: opened only to the {owner} service",
            tags={**tags, "Name": f"{group_id}-sg"},
            opts=pulumi.ResourceOptions(parent=self),
        )  # no rules: the compute tier adds ingress from the owner's SG

        subnet_group = aws.elasticache.SubnetGroup(
            f"{name}-subnets",
            description=f"{owner} cache: private subnets",
            subnet_ids=args.subnet_ids,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.credentials = GeneratedCredentials(
            f"{name}-auth",
            GeneratedCredentialsArgs(
                username="default",  # the user an AUTH token authenticates as
                description=f"{owner} {cache.engine} AUTH token ({args.stack})",
                tags=tags,
                recovery_window_days=recovery_window_days(protect),
                generation=AUTH_TOKEN_GENERATION,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        slow_log = aws.cloudwatch.LogGroup(
            f"{name}-slow-log",
            retention_in_days=args.log_retention_days,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.group = self._replication_group(name, args, group_id, subnet_group, slow_log, tags)

        # The group's id is its replicationGroupId; reading the input-backed output keeps it known in a
        # first preview (the id is not), so the alarms built from it can be judged and priced there.
        self.replication_group_id = self.group.replication_group_id
        self.primary_endpoint_address = self.group.primary_endpoint_address
        self.reader_endpoint_address = self.group.reader_endpoint_address
        self.port = self.group.port.apply(lambda p: p or PORT)
        self.endpoint = pulumi.Output.concat(self.primary_endpoint_address, ":", self.port.apply(str))
        self.auth_secret_arn = self.credentials.secret_arn
        self.security_group_id = self.security_group.id

        self.access = self._grant(owner)
        self.register_outputs({
            "replication_group_id": self.replication_group_id, "endpoint": self.endpoint,
            "auth_secret_arn": self.auth_secret_arn,
        })

    def _replication_group(self, name: str, args: CacheArgs, group_id: str, subnet_group: aws.elasticache.SubnetGroup,
                           slow_log: aws.cloudwatch.LogGroup, tags: dict[str, str]) -> aws.elasticache.ReplicationGroup:
        cache, protect = args.options, args.deletion_protection
        replicas = cache.replicas
        return aws.elasticache.ReplicationGroup(
            f"{name}-group",
            replication_group_id=group_id,
            description=f"{cache.owner} {cache.engine} ({args.stack})",
            engine=cache.engine,
            engine_version=cache.engine_version,
            node_type=cache.node_type,
            num_cache_clusters=1 + replicas,
            automatic_failover_enabled=replicas >= 1,
            multi_az_enabled=cache.multi_az,
            port=PORT,
            subnet_group_name=subnet_group.name,
            security_group_ids=[self.security_group.id],
            at_rest_encryption_enabled=True,
            transit_encryption_enabled=True,
            transit_encryption_mode="required",
            auth_token=self.credentials.password,
            # Old and new token both work until a later change with SET (ModifyReplicationGroup
            # AuthTokenUpdateStrategy: "SET - allowed only after ROTATE"; read 2026-11).
            auth_token_update_strategy="ROTATE",
            auto_minor_version_upgrade=True,
            snapshot_retention_limit=SNAPSHOT_RETENTION_DAYS if protect else 0,
            # Unique per created group (see database.creation_stamp): a fixed name fails the
            # second delete of a re-created group, as the snapshot already exists.
            final_snapshot_identifier=f"{group_id}-final-{creation_stamp()}" if protect else None,
            log_delivery_configurations=[aws.elasticache.ReplicationGroupLogDeliveryConfigurationArgs(
                destination=slow_log.name, destination_type="cloudwatch-logs",
                log_format="json", log_type="slow-log",
            )],
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=protect, ignore_changes=["finalSnapshotIdentifier"]),
        )

    def _grant(self, owner: str) -> ServiceAccess:
        return ServiceAccess(
            service=owner,
            description=f"{owner} cache",
            security_group_id=self.security_group.id,
            port=PORT,
            environment={
                "REDIS_HOST": self.primary_endpoint_address,
                "REDIS_READER_HOST": self.reader_endpoint_address,
                "REDIS_PORT": self.port.apply(str),
                "REDIS_TLS": "true",
            },
            secrets={"REDIS_AUTH_TOKEN": secret_key_ref(self.auth_secret_arn, "password")},
            execution_secret_arns=[self.auth_secret_arn],
        )
