"""RDS Proxy in front of one database: the connection pool, and IAM authentication for the tasks.

Tasks sign in to the proxy with a 15-minute IAM token (``rds-db:connect``); the proxy signs in to the
database with the RDS-managed master secret, which it re-reads itself.  No password reaches a task, so a
rotation of that secret (RDS rotates it every 7 days) never breaks a running one (RDS user guide, "Setting
up database credentials for RDS Proxy", "Connecting to a proxy using IAM authentication"; read 2026-12-07).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws
from platform_policies.facts.rds import (PROXY_BORROW_TIMEOUT_SECONDS, PROXY_MAX_CONNECTIONS_PERCENT,
                                         PROXY_MAX_IDLE_CONNECTIONS_PERCENT, PROXY_PORT)

from ..shared import naming
from ..shared.iam import assume_role_policy, granted_arn
from ..shared.tags import tier_tags

# A client idle this long is disconnected (seconds; RDS API CreateDBProxy IdleClientTimeout, 1800 = the
# default, read 2026-12-07).
IDLE_CLIENT_TIMEOUT_SECONDS = 1800
# RDS Proxy names: letters, digits, single hyphens, starting with a letter (pulumi-aws rds.Proxy `name`).
NAME_LIMIT = 60


@dataclass
class DatabaseProxyArgs:
    """One RDS Proxy for one PostgreSQL instance."""

    stack: str
    """Stack name, in the proxy's name."""
    owner: str
    """The owning service: the only one the proxy's security group is opened to (by the compute tier)."""
    vpc_id: pulumi.Input[str]
    """VPC of the proxy's security group (the database's VPC)."""
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets, in at least two AZs the proxy is offered in."""
    db_instance_identifier: pulumi.Input[str]
    """The instance the proxy's default target group points at."""
    db_security_group_id: pulumi.Input[str]
    """The database's security group: opened to the proxy on the database port."""
    secret_arn: pulumi.Input[str]
    """The RDS-managed master secret the proxy signs in with."""
    secret_kms_key_id: pulumi.Input[str]
    """KMS key of that secret (empty = the AWS managed key of Secrets Manager)."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the proxy adds ``service`` (the owner) and ``tier``."""
    log_retention_days: int = 30
    """Retention of the proxy's log group."""


class DatabaseProxy(pulumi.ComponentResource):
    """An RDS Proxy with its role, security group, pool settings and target."""

    name: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    region: pulumi.Output[str]
    """Region of the proxy: IAM tokens are signed for it."""
    connect_resource_prefix: pulumi.Output[str]
    """``arn:<partition>:rds-db:<region>:<account>:dbuser:<proxy resource id>``; add ``/<user>``."""

    def __init__(self, name: str, args: DatabaseProxyArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("platform:data:DatabaseProxy", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = tier_tags(args.base_tags, "data", args.owner)
        proxy_name = naming.fit(f"{args.stack}-{args.owner}-db-proxy".lower(), NAME_LIMIT)

        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg", vpc_id=args.vpc_id,
            description=f"{args.owner} database proxy: opened only to the {args.owner} service",
            tags={**tags, "Name": f"{proxy_name}-sg"}, opts=child)
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-to-db", security_group_id=self.security_group.id,
            referenced_security_group_id=args.db_security_group_id, ip_protocol="tcp",
            from_port=PROXY_PORT, to_port=PROXY_PORT, description="The database it pools", tags=tags, opts=child)
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-db-from-proxy", security_group_id=args.db_security_group_id,
            referenced_security_group_id=self.security_group.id, ip_protocol="tcp",
            from_port=PROXY_PORT, to_port=PROXY_PORT, description=f"{args.owner} database proxy",
            tags=tags, opts=child)

        role, policy = self._role(name, args, tags)
        # RDS Proxy writes its log to /aws/rds/proxy/<name>; created here so it has a retention.
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-log", name=f"/aws/rds/proxy/{proxy_name}", retention_in_days=args.log_retention_days,
            tags=tags, opts=child)
        self.proxy = aws.rds.Proxy(
            f"{name}-proxy",
            name=proxy_name,
            engine_family="POSTGRESQL",
            role_arn=granted_arn(role, policy),
            vpc_subnet_ids=args.subnet_ids,
            vpc_security_group_ids=[self.security_group.id],
            require_tls=True,
            idle_client_timeout=IDLE_CLIENT_TIMEOUT_SECONDS,
            debug_logging=False,  # would log SQL text
            auths=[aws.rds.ProxyAuthArgs(
                auth_scheme="SECRETS", secret_arn=args.secret_arn, iam_auth="REQUIRED",
                client_password_auth_type="POSTGRES_SCRAM_SHA_256",
                description=f"{args.owner} service: IAM tokens; the proxy signs in with the master secret")],
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_group]),
        )
        pool = aws.rds.ProxyDefaultTargetGroup(
            f"{name}-pool",
            db_proxy_name=self.proxy.name,
            connection_pool_config=aws.rds.ProxyDefaultTargetGroupConnectionPoolConfigArgs(
                max_connections_percent=PROXY_MAX_CONNECTIONS_PERCENT,
                max_idle_connections_percent=PROXY_MAX_IDLE_CONNECTIONS_PERCENT,
                connection_borrow_timeout=PROXY_BORROW_TIMEOUT_SECONDS),
            opts=child)
        aws.rds.ProxyTarget(
            f"{name}-target", db_proxy_name=self.proxy.name, target_group_name=pool.name,
            db_instance_identifier=args.db_instance_identifier, opts=child)

        self.name = self.proxy.name
        self.endpoint = self.proxy.endpoint
        self.security_group_id = self.security_group.id
        # The proxy's resource id (prx-...) is only in its ARN: arn:<p>:rds:<r>:<a>:db-proxy:prx-...
        self.connect_resource_prefix = self.proxy.arn.apply(_connect_prefix)
        self.region = self.proxy.arn.apply(lambda arn: arn.split(":")[3])
        self.register_outputs({"name": self.name, "endpoint": self.endpoint})

    def _role(self, name: str, args: DatabaseProxyArgs, tags: Mapping[str, str]
              ) -> tuple[aws.iam.Role, aws.iam.RolePolicy]:
        """The role the proxy reads the master secret with (RDS user guide, "Setting up IAM policies for
        RDS Proxy": secretsmanager:GetSecretValue on the secret, kms:Decrypt on its key through Secrets
        Manager; read 2026-12-07)."""
        role = aws.iam.Role(
            naming.fit(f"{name}-role", naming.LIMITS["iam_role"], autonamed=True),
            description=f"RDS Proxy of the {args.owner} database: read its master secret",
            assume_role_policy=assume_role_policy("rds.amazonaws.com"), tags=tags,
            opts=pulumi.ResourceOptions(parent=self))
        region = aws.get_region_output().region
        document = pulumi.Output.all(args.secret_arn, args.secret_kms_key_id, region).apply(
            lambda v: json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": v[0]},
                *([{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": v[1],
                    "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{v[2]}.amazonaws.com"}}}]
                  if v[1].startswith("arn:") else []),
            ]}))
        policy = aws.iam.RolePolicy(f"{name}-role-policy", role=role.id, policy=document,
                                    opts=pulumi.ResourceOptions(parent=self))
        return role, policy


def _connect_prefix(proxy_arn: str) -> str:
    parts = proxy_arn.split(":")
    partition, region, account, resource_id = parts[1], parts[3], parts[4], parts[-1]
    return f"arn:{partition}:rds-db:{region}:{account}:dbuser:{resource_id}"
