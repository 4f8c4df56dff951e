"""RDS PostgreSQL for one owning service, behind its RDS Proxy.

Each owner gets its own instance, parameter group, proxy and security groups, so a
service can reach only its own database.  The master password is managed by RDS
in Secrets Manager (rotated by RDS, 7 days by default); only the proxy reads it, the
service signs in to the proxy with IAM tokens (proxy.py).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws

from platform_policies.facts.rds import pg_max_connections

from ..shared import naming
from ..shared.access import ServiceAccess
from ..shared.credentials import secret_key_ref
from ..shared.tags import tier_tags
from .proxy import DatabaseProxy, DatabaseProxyArgs

PORT = 5432
MASTER_USERNAME = "dbadmin"
# RDS TLS CA with a 2048-bit RSA key, valid to 2061 (RDS user guide, "Using SSL/TLS",
# certificate authorities table; read 2026-11).
CA_CERT = "rds-ca-rsa2048-g1"
# Database Insights "standard" is free with the 7-day Performance Insights retention;
# "advanced" needs a 465-day retention and is billed per vCPU (CloudWatch pricing,
# Database Insights; read 2026-11).
DATABASE_INSIGHTS_MODE = "standard"
PERFORMANCE_INSIGHTS_RETENTION_DAYS = {"standard": 7, "advanced": 465}
# Logs RDS publishes to CloudWatch (/aws/rds/instance/<id>/<log>).
LOG_EXPORTS = ("postgresql", "upgrade")
SLOW_QUERY_MS = 1000


def lower_identifier(*parts: str, limit: int) -> str:
    """An identifier RDS and ElastiCache accept: lowercase letters, digits and single
    hyphens, starting with a letter, not ending with a hyphen, at most ``limit``
    characters (RDS user guide, "Naming constraints in Amazon RDS"; ElastiCache
    CreateReplicationGroup ReplicationGroupId; read 2026-11)."""
    raw = "-".join(p for p in parts if p).lower()
    raw = re.sub(r"[^a-z0-9]+", "-", raw)
    raw = re.sub(r"-{2,}", "-", raw).strip("-")
    if not raw or not raw[0].isalpha():
        raw = f"x-{raw}"
    return re.sub(r"-{2,}", "-", naming.fit(raw, limit)).strip("-")


def rds_identifier(*parts: str) -> str:
    """A DB instance identifier (at most 63 characters)."""
    return lower_identifier(*parts, limit=naming.LIMITS["rds"])


def creation_stamp() -> str:
    """UTC time of this program run, ``YYYYMMDDhhmmss``, for final-snapshot names.

    A fixed ``<id>-final`` makes the second delete of a re-created instance fail with
    DBSnapshotAlreadyExists (terraform-aws-modules/terraform-aws-rds#445,
    cloudposse/terraform-aws-rds-cluster#129; read 2026-11).  With
    ``ignore_changes=["finalSnapshotIdentifier"]`` the creating run's stamp stays in state; a
    replaced instance keeps it too (Pulumi docs, "ignoreChanges", read 2026-11), so delete or
    rename that snapshot before deleting the replacement.  ``SOURCE_DATE_EPOCH`` (the
    reproducible-builds convention) replaces the clock: preflight sets it so two runs of one
    commit record the same plan."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    now = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)
    return now.strftime("%Y%m%d%H%M%S")


def database_name(owner: str) -> str:
    """The owner's database inside its instance ("order"/"user" are reserved words, hence the suffix)."""
    return f"{re.sub(r'[^a-z0-9]', '', owner.lower())}db"


def engine_major(version: str) -> str:
    """"16.6" -> "16" (parameter group family postgres16)."""
    return version.split(".")[0]


@dataclass(frozen=True)
class DatabaseOptions:
    """Engine and size of each owner's PostgreSQL instance."""

    engine_version: str = "16"
    """PostgreSQL major (a minor such as 16.11 is accepted, not pinned: RDS applies minor upgrades)."""
    instance_class: str = "db.t3.medium"
    """RDS instance class of the primary and its replicas."""
    allocated_storage_gb: int = 100
    """Initial gp3 storage (GiB)."""
    max_allocated_storage_gb: int = 500
    """Storage autoscaling ceiling (GiB), above ``allocated_storage_gb``."""
    backup_retention_days: int = 7
    """Automated backup retention."""
    read_replicas: int = 0
    """Read replicas per database."""
    multi_az: bool = True
    """A standby in another AZ."""


@dataclass
class DatabaseArgs:
    """One PostgreSQL database owned by one service."""

    stack: str
    """Stack name, in the DB identifiers."""
    owner: str
    """The owning service; the only one its security group is opened to (by the compute tier)."""
    vpc_id: pulumi.Input[str]
    """VPC of the security group."""
    subnet_group_name: pulumi.Input[str]
    """DB subnet group on the private subnets."""
    subnet_ids: pulumi.Input[list[str]]
    """The private subnets themselves (the proxy's)."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the database adds ``service`` (the owner) and ``tier``."""
    options: DatabaseOptions = field(default_factory=DatabaseOptions)
    """Engine and size."""
    deletion_protection: bool = True
    """RDS deletion protection, a final snapshot, kept backups, and Pulumi ``protect``."""
    log_retention_days: int = 30
    """Retention of the log groups RDS writes to."""
    password_auth: bool = False
    """The owner keeps signing in to the instance with the master password (a migration period: the next
    rotation breaks its new connections) instead of IAM tokens through the proxy."""


class Database(pulumi.ComponentResource):
    """An RDS PostgreSQL instance (plus read replicas) for one service."""

    identifier: pulumi.Output[str]
    arn: pulumi.Output[str]
    address: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    port: pulumi.Output[int]
    secret_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    max_connections: int
    proxy: DatabaseProxy
    replica_identifiers: list[pulumi.Output[str]]
    access: ServiceAccess

    def __init__(self, name: str, args: DatabaseArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("platform:data:Database", name, None, opts)
        db = args.options
        owner = args.owner
        tags = tier_tags(args.base_tags, "data", owner)
        protect = args.deletion_protection
        major = engine_major(db.engine_version)
        ident = rds_identifier(args.stack, owner, "db")
        self.max_connections = pg_max_connections(db.instance_class)

        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description=f"{owner} PostgreSQL: opened only to the {owner} service",
            tags={**tags, "Name": f"{ident}-sg"},
            opts=pulumi.ResourceOptions(parent=self),
        )  # no rules here: the compute tier adds ingress from the owner's SG; no egress needed

        params = aws.rds.ParameterGroup(
            f"{name}-params",
            family=f"postgres{major}",
            description=f"{owner} PostgreSQL {major}: TLS only",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1"),
                aws.rds.ParameterGroupParameterArgs(name="log_min_duration_statement", value=str(SLOW_QUERY_MS)),
                # A static parameter: an existing instance takes it at its next reboot (docs/data-and-messaging.md).
                aws.rds.ParameterGroupParameterArgs(name="max_connections", value=str(self.max_connections),
                                                    apply_method="pending-reboot"),
            ],
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

        insights = DATABASE_INSIGHTS_MODE
        common = dict(
            instance_class=db.instance_class,
            storage_type="gp3",
            max_allocated_storage=db.max_allocated_storage_gb,
            parameter_group_name=params.name,
            vpc_security_group_ids=[self.security_group.id],
            publicly_accessible=False,
            ca_cert_identifier=CA_CERT,
            auto_minor_version_upgrade=True,
            performance_insights_enabled=True,
            performance_insights_retention_period=PERFORMANCE_INSIGHTS_RETENTION_DAYS[insights],
            database_insights_mode=insights,
            copy_tags_to_snapshot=True,
            deletion_protection=protect,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            tags=tags,
        )
        self.instance = self._primary(name, args, ident, major, common)
        self.replicas = [self._replica(name, args, i, common) for i in range(1, db.read_replicas + 1)]

        self.identifier = self.instance.identifier
        self.arn = self.instance.arn
        self.address = self.instance.address
        self.endpoint = self.instance.endpoint
        self.port = self.instance.port
        self.secret_arn = self.instance.master_user_secrets.apply(lambda s: s[0].secret_arn)
        self.security_group_id = self.security_group.id
        self.replica_identifiers = [r.identifier for r in self.replicas]
        self.proxy = DatabaseProxy(f"{name}-proxy", DatabaseProxyArgs(
            stack=args.stack, owner=owner, vpc_id=args.vpc_id, subnet_ids=args.subnet_ids,
            db_instance_identifier=self.identifier, db_security_group_id=self.security_group.id,
            secret_arn=self.secret_arn,
            secret_kms_key_id=self.instance.master_user_secrets.apply(lambda s: s[0].kms_key_id or ""),
            base_tags=args.base_tags, log_retention_days=args.log_retention_days),
            opts=pulumi.ResourceOptions(parent=self))
        self.access = self._grant(owner, args.password_auth)
        self.register_outputs({
            "identifier": self.identifier, "endpoint": self.endpoint, "secret_arn": self.secret_arn,
            "proxy_endpoint": self.proxy.endpoint,
        })

    def _primary(self, name: str, args: DatabaseArgs, ident: str, major: str, common: dict) -> aws.rds.Instance:
        db, protect = args.options, args.deletion_protection
        return aws.rds.Instance(
            f"{name}-db",
            identifier=ident,
            engine="postgres",
            # Major only: with auto minor upgrades the provider accepts a version prefix and does
            # not try to "downgrade" after AWS upgrades the minor (pulumi-aws rds.Instance docs).
            engine_version=major,
            allocated_storage=db.allocated_storage_gb,
            storage_encrypted=True,
            multi_az=db.multi_az,
            db_subnet_group_name=args.subnet_group_name,
            db_name=database_name(args.owner),
            username=MASTER_USERNAME,
            manage_master_user_password=True,
            backup_retention_period=db.backup_retention_days,
            delete_automated_backups=not protect,
            skip_final_snapshot=not protect,
            # Always set (also where skipped: RDS then takes no snapshot), so turning
            # deletion protection on later finds a name in state despite ignore_changes.
            final_snapshot_identifier=f"{ident}-final-{creation_stamp()}",
            **common,
            opts=pulumi.ResourceOptions(parent=self, protect=protect, depends_on=self._log_groups(name, ident, args),
                                        ignore_changes=["finalSnapshotIdentifier"]),
        )

    def _replica(self, name: str, args: DatabaseArgs, i: int, common: dict) -> aws.rds.Instance:
        rid = rds_identifier(args.stack, args.owner, "db", f"r{i}")
        # A same-region replica takes the source identifier, inherits engine version,
        # encryption, subnet group and master user; it has no final snapshot of its own.
        return aws.rds.Instance(
            f"{name}-replica{i}",
            identifier=rid,
            replicate_source_db=self.instance.identifier,
            skip_final_snapshot=True,
            **common,
            opts=pulumi.ResourceOptions(parent=self, protect=args.deletion_protection,
                                        depends_on=self._log_groups(f"{name}-replica{i}", rid, args)),
        )

    def _log_groups(self, logical: str, instance_id: str, args: DatabaseArgs) -> list[aws.cloudwatch.LogGroup]:
        """Pre-create the log groups RDS writes to, so they carry a retention."""
        return [
            aws.cloudwatch.LogGroup(
                f"{logical}-log-{log}",
                name=f"/aws/rds/instance/{instance_id}/{log}",
                retention_in_days=args.log_retention_days,
                tags=tier_tags(args.base_tags, "data", args.owner),
                opts=pulumi.ResourceOptions(parent=self),
            )
            for log in LOG_EXPORTS
        ]

    def _grant(self, owner: str, password_auth: bool) -> ServiceAccess:
        """What the owner gets: the proxy with an IAM token, or (password_auth) the instance itself."""
        replicas = pulumi.Output.all(*[r.address for r in self.replicas]).apply(",".join)
        environment: dict[str, pulumi.Input[str]] = {
            "DB_NAME": database_name(owner),  # a literal: the proxy path does not wait for the instance
            "DB_SSLMODE": "require",  # TLS is forced; verify-full needs the RDS CA bundle in the image
            **({"DB_READER_HOSTS": replicas} if self.replicas else {}),
        }
        password = {"DB_USERNAME": secret_key_ref(self.secret_arn, "username"),
                    "DB_PASSWORD": secret_key_ref(self.secret_arn, "password")}
        read_secret = {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                       "Resource": [self.secret_arn]}
        if password_auth:
            return ServiceAccess(
                service=owner, description=f"{owner} database", security_group_id=self.security_group.id,
                port=PORT, policy_statements=[read_secret],  # to re-read the secret after a rotation
                environment={"DB_HOST": self.address, "DB_PORT": self.port.apply(str), "DB_AUTH": "password",
                             **environment},
                secrets=password, execution_secret_arns=[self.secret_arn])
        # Read replicas have no proxy endpoint (RDS Proxy reader endpoints are for Aurora): the owner
        # reads them with the password, and the gate warns about that like about password mode.
        return ServiceAccess(
            service=owner, description=f"{owner} database proxy", security_group_id=self.proxy.security_group_id,
            port=PORT,
            policy_statements=[
                {"Effect": "Allow", "Action": "rds-db:connect",
                 "Resource": self.proxy.connect_resource_prefix.apply(lambda p: f"{p}/{MASTER_USERNAME}")},
                *([read_secret] if self.replicas else []),
            ],
            environment={"DB_HOST": self.proxy.endpoint, "DB_PORT": str(PORT), "DB_AUTH": "iam",
                         "DB_USERNAME": MASTER_USERNAME, "DB_REGION": self.proxy.region, **environment},
            secrets={"DB_READER_PASSWORD": password["DB_PASSWORD"]} if self.replicas else {},
            execution_secret_arns=[self.secret_arn] if self.replicas else [])
