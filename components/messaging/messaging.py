"""The messaging tier: Amazon MSK for event streaming, Amazon MQ (ActiveMQ) for payments.

Both sit in the private subnets behind their own security groups with no rules;
``access`` says which service may use which, and the compute tier opens the
ports and attaches the IAM statements, environment and secrets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

import pulumi

from ..shared.access import ServiceAccess
from .kafka import KafkaCluster, KafkaClusterArgs, KafkaOptions
from .mq import MessageBroker, MessageBrokerArgs, MqOptions


@dataclass
class MessagingArgs:
    """Inputs of the messaging tier."""

    stack: str
    """Stack name, in Name tags and descriptions."""
    region: str
    """Region of the stack (the broker's log resource policy)."""
    vpc_id: pulumi.Input[str]
    """VPC of the security groups."""
    private_subnet_ids: pulumi.Output[list[str]]
    """Private subnets, one per AZ."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the tier adds ``service`` and ``tier``."""
    kafka: KafkaOptions = field(default_factory=KafkaOptions)
    """The MSK cluster."""
    mq: MqOptions = field(default_factory=MqOptions)
    """The ActiveMQ broker."""
    deletion_protection: bool = True
    """Pulumi ``protect`` on MSK and MQ."""
    log_retention_days: int = 30
    """Retention of the broker log group."""


class Messaging(pulumi.ComponentResource):
    """MSK plus Amazon MQ."""

    kafka_cluster_arn: pulumi.Output[str]
    kafka_cluster_name: pulumi.Output[str]
    kafka_bootstrap_brokers_tls: pulumi.Output[str]
    """TLS (9094) bootstrap string; empty while IAM is the only client authentication."""
    kafka_bootstrap_brokers_iam: pulumi.Output[str]
    """SASL/IAM (9098) bootstrap string: what clients use."""
    mq_broker_name: pulumi.Output[str]
    mq_endpoints: pulumi.Output[list[str]]
    """All endpoint URLs of all broker instances (ssl://...:61617, amqp+ssl://...:5671, ...)."""
    mq_secret_arn: pulumi.Output[str]
    """ARN of the MQ user's credentials secret (JSON username/password)."""
    access: list[ServiceAccess]

    def __init__(self, name: str, args: MessagingArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("platform:messaging:Messaging", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.kafka = KafkaCluster(f"{name}-kafka", KafkaClusterArgs(
            stack=args.stack, vpc_id=args.vpc_id, subnet_ids=args.private_subnet_ids, base_tags=args.base_tags,
            options=args.kafka, deletion_protection=args.deletion_protection,
            log_retention_days=args.log_retention_days), opts=child)
        self.mq = MessageBroker(f"{name}-mq", MessageBrokerArgs(
            stack=args.stack, region=args.region, vpc_id=args.vpc_id, subnet_ids=args.private_subnet_ids,
            base_tags=args.base_tags, options=args.mq, deletion_protection=args.deletion_protection), opts=child)

        self.kafka_cluster_arn = self.kafka.cluster_arn
        self.kafka_cluster_name = self.kafka.cluster_name
        self.kafka_bootstrap_brokers_tls = self.kafka.bootstrap_brokers_tls
        self.kafka_bootstrap_brokers_iam = self.kafka.bootstrap_brokers_iam
        self.mq_broker_name = self.mq.broker_name
        self.mq_endpoints = self.mq.endpoints
        self.mq_secret_arn = self.mq.secret_arn
        self.access = [*self.kafka.access, *self.mq.access]

        self.register_outputs({
            "kafka_cluster_arn": self.kafka_cluster_arn,
            "kafka_bootstrap_brokers_iam": self.kafka_bootstrap_brokers_iam,
            "mq_endpoints": self.mq_endpoints,
        })
