"""Amazon MQ (ActiveMQ) for the broker owner (payment).

ACTIVE_STANDBY_MULTI_AZ on exactly the first two private subnets, or SINGLE_INSTANCE
on the first one (mq.t3.micro supports only that).  Private, encrypted with the aws/mq KMS key, general and
audit logs to CloudWatch; the one application user's password is generated into
Secrets Manager (see credentials.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

import pulumi
import pulumi_aws as aws

from platform_policies.facts.ports import MQ_AMQP_PORT as AMQP_PORT, MQ_OPENWIRE_PORT as OPENWIRE_PORT

from ..shared.access import ServiceAccess
from ..shared.credentials import GeneratedCredentials, GeneratedCredentialsArgs, recovery_window_days, secret_key_ref
from ..shared.tags import tier_tags

# Subnets per deployment mode (CreateBroker SubnetIds; read 2026-11).
SUBNETS_PER_MODE = {"SINGLE_INSTANCE": 1, "ACTIVE_STANDBY_MULTI_AZ": 2}
# Raise to rotate the user's password (credentials.py).  Amazon MQ applies user changes
# only at the next reboot or maintenance window (Amazon MQ REST API reference, "User";
# read 2026-11): reboot the broker right after such an update.
PASSWORD_GENERATION = 1


@dataclass(frozen=True)
class MqOptions:
    """Version, size and owner of the ActiveMQ broker."""

    owner: str = "payment"
    """The service that uses the broker (its user is named after it)."""
    engine_version: str = "5.18"
    """ActiveMQ major.minor (Amazon MQ applies the patches)."""
    host_type: str = "mq.m5.large"
    """Broker host type."""
    deployment_mode: str = "ACTIVE_STANDBY_MULTI_AZ"
    """ACTIVE_STANDBY_MULTI_AZ (two subnets) or SINGLE_INSTANCE (one)."""


@dataclass
class MessageBrokerArgs:
    """The broker of one service."""

    stack: str
    """Stack name, in Name tags, descriptions and the log resource policy's name."""
    region: str
    """Region of the broker, in the log resource policy."""
    vpc_id: pulumi.Input[str]
    """VPC of the security group."""
    subnet_ids: pulumi.Output[list[str]]
    """Private subnets; the broker takes the first one or two."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the broker adds ``service`` (the owner) and ``tier``."""
    options: MqOptions = field(default_factory=MqOptions)
    """Version, size and owner."""
    deletion_protection: bool = True
    """Pulumi ``protect`` on the broker, and a 30-day (not 7-day) recovery window for its secret."""


class MessageBroker(pulumi.ComponentResource):
    """A private ActiveMQ broker with generated credentials."""

    broker_name: pulumi.Output[str]
    broker_arn: pulumi.Output[str]
    endpoints: pulumi.Output[list[str]]
    secret_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    access: list[ServiceAccess]

    def __init__(self, name: str, args: MessageBrokerArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("platform:messaging:MessageBroker", name, None, opts)
        mq = args.options
        owner = mq.owner
        tags = tier_tags(args.base_tags, "messaging", owner)
        protect = args.deletion_protection
        mode = mq.deployment_mode
        subnet_count = SUBNETS_PER_MODE[mode]
        child = pulumi.ResourceOptions(parent=self)

        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description=f"{owner} ActiveMQ: opened only to the {owner} service",
            tags={**tags, "Name": f"{args.stack}-{owner}-mq-sg"},
            opts=child,
        )  # no rules: the compute tier adds 61617/5671 ingress from the owner's SG

        self.credentials = GeneratedCredentials(
            f"{name}-user",
            GeneratedCredentialsArgs(
                username=owner,
                description=f"{owner} ActiveMQ user ({args.stack})",
                tags=tags,
                recovery_window_days=recovery_window_days(protect),
                generation=PASSWORD_GENERATION,
            ),
            opts=child,
        )

        # Amazon MQ creates /aws/amazonmq/broker/<id>/{general,audit} itself, but may write to
        # them only if a CloudWatch Logs resource policy allows it, set before the broker is
        # created (developer guide, "Configuring Amazon MQ for ActiveMQ logs"; read 2026-11).
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        logs_policy = aws.cloudwatch.LogResourcePolicy(
            f"{name}-logs",
            policy_name=f"{args.stack}-amazonmq-logs",
            policy_document=account.apply(lambda acct: _logs_policy(args.region, acct)),
            opts=child,
        )

        creds = self.credentials
        self.broker = aws.mq.Broker(
            f"{name}-broker",
            engine_type="ActiveMQ",
            engine_version=mq.engine_version,
            host_instance_type=mq.host_type,
            deployment_mode=mode,
            subnet_ids=args.subnet_ids.apply(lambda ids: ids[:subnet_count]),
            security_groups=[self.security_group.id],
            publicly_accessible=False,
            authentication_strategy="simple",
            auto_minor_version_upgrade=True,
            maintenance_window_start_time=aws.mq.BrokerMaintenanceWindowStartTimeArgs(
                day_of_week="SUNDAY", time_of_day="03:00", time_zone="UTC"),
            # use_aws_owned_key=False without a key id: the AWS managed aws/mq key in this account.
            encryption_options=aws.mq.BrokerEncryptionOptionsArgs(use_aws_owned_key=False),
            logs=aws.mq.BrokerLogsArgs(general=True, audit=True),
            users=[aws.mq.BrokerUserArgs(
                username=creds.username, password=creds.password, console_access=False)],
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=protect, depends_on=[logs_policy]),
        )

        self.broker_name = self.broker.broker_name
        self.broker_arn = self.broker.arn
        self.endpoints = self.broker.instances.apply(_endpoints)
        self.secret_arn = creds.secret_arn
        self.security_group_id = self.security_group.id

        self.access = self._grants(owner)
        self.register_outputs({"broker_name": self.broker_name, "endpoints": self.endpoints})

    def _grants(self, owner: str) -> list[ServiceAccess]:
        """OpenWire with the user's credentials, and AMQP (the same user; only the port differs)."""
        openwire = self.endpoints.apply(
            lambda eps: "failover:(" + ",".join(e for e in eps if e.startswith("ssl://")) + ")")
        amqp = self.endpoints.apply(lambda eps: ",".join(e for e in eps if e.startswith("amqp+ssl://")))
        return [
            ServiceAccess(
                service=owner,
                description=f"{owner} ActiveMQ (OpenWire/TLS)",
                security_group_id=self.security_group.id,
                port=OPENWIRE_PORT,
                environment={"MQ_OPENWIRE_URL": openwire, "MQ_AMQP_URLS": amqp},
                secrets={
                    "MQ_USERNAME": secret_key_ref(self.secret_arn, "username"),
                    "MQ_PASSWORD": secret_key_ref(self.secret_arn, "password"),
                },
                execution_secret_arns=[self.secret_arn],
            ),
            ServiceAccess(
                service=owner,
                description=f"{owner} ActiveMQ (AMQP/TLS)",
                security_group_id=self.security_group.id,
                port=AMQP_PORT,
            ),
        ]


def _endpoints(instances: Optional[list[Any]]) -> list[str]:
    """Every endpoint URL of every broker instance (active first)."""
    out: list[str] = []
    for inst in instances or []:
        eps = inst.get("endpoints") if isinstance(inst, dict) else getattr(inst, "endpoints", None)
        out.extend(eps or [])
    return out


def _logs_policy(region: str, account: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AmazonMQLogs",
            "Effect": "Allow",
            "Principal": {"Service": "mq.amazonaws.com"},
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:{region}:{account}:log-group:/aws/amazonmq/*",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account},
                "ArnLike": {"aws:SourceArn": f"arn:aws:mq:{region}:{account}:broker:*"},
            },
        }],
    })
