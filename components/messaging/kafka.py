"""Amazon MSK (provisioned) for event streaming.

Brokers over all private subnets (MSK needs the broker count to be a multiple of the
client subnets).  TLS between clients and
brokers and inside the cluster, IAM authentication only, encryption at rest with
the AWS managed key, broker logs to CloudWatch, and EBS storage that grows by
Application Auto Scaling up to a ceiling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

from platform_policies.facts.ports import MSK_IAM_PORT as IAM_PORT  # the IAM (SASL/IAM over TLS) listener

from ..shared.access import ServiceAccess
from ..shared.tags import tier_tags

# Kafka Streams creates its own internal (changelog/repartition) topics; topics are
# otherwise created by operators, since auto.create.topics.enable is off.
TOPIC_CREATORS = ("stream-processor",)
_PredefinedMetric = aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs

# Grow broker storage when it is 60 % full; MSK storage can never shrink.
STORAGE_TARGET_PERCENT = 60.0


def server_properties(brokers: int) -> str:
    """Broker settings: no accidental topics, and replication that survives one AZ."""
    replication = min(3, brokers)
    min_isr = 2 if replication >= 3 else 1
    props = {
        "auto.create.topics.enable": "false",
        "default.replication.factor": str(replication),
        "min.insync.replicas": str(min_isr),
        "num.partitions": "6",
        "unclean.leader.election.enable": "false",
    }
    return "".join(f"{k}={v}\n" for k, v in props.items())


@dataclass(frozen=True)
class KafkaOptions:
    """Version, size and clients of the MSK cluster."""

    kafka_version: str = "3.8.x"
    """Kafka version MSK still supports for new clusters."""
    broker_type: str = "kafka.m5.large"
    """Broker instance type."""
    broker_count: int = 3
    """Brokers in total: a multiple of the client subnets."""
    storage_gb: int = 100
    """EBS storage per broker (GiB) at creation."""
    max_storage_gb: int = 1000
    """Storage autoscaling ceiling per broker (GiB); none when not above ``storage_gb``."""
    clients: Sequence[str] = ("order", "inventory", "notification", "stream-processor")
    """Services that produce or consume events (IAM access to the cluster)."""


@dataclass
class KafkaClusterArgs:
    """An MSK cluster in the private subnets."""

    stack: str
    """Stack name, in Name tags."""
    vpc_id: pulumi.Input[str]
    """VPC of the security group."""
    subnet_ids: pulumi.Input[list[str]]
    """Client subnets: all private subnets (one per AZ)."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the cluster adds ``service`` and ``tier``."""
    options: KafkaOptions = field(default_factory=KafkaOptions)
    """Version, size and clients."""
    deletion_protection: bool = True
    """Pulumi ``protect`` on the cluster."""
    log_retention_days: int = 30
    """Retention of the broker log group."""


class KafkaCluster(pulumi.ComponentResource):
    """MSK with IAM auth and TLS; grants for the services in kafka.clients."""

    cluster_arn: pulumi.Output[str]
    cluster_name: pulumi.Output[str]
    bootstrap_brokers_tls: pulumi.Output[str]
    bootstrap_brokers_iam: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    access: list[ServiceAccess]

    def __init__(self, name: str, args: KafkaClusterArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("platform:messaging:KafkaCluster", name, None, opts)
        kafka = args.options
        tags = tier_tags(args.base_tags, "messaging")
        brokers = kafka.broker_count
        child = pulumi.ResourceOptions(parent=self)

        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description="MSK brokers: opened only to the Kafka client services",
            tags={**tags, "Name": f"{args.stack}-kafka-sg"},
            opts=child,
        )  # no rules: the compute tier adds 9098 ingress from each client service's SG

        log_group = aws.cloudwatch.LogGroup(
            f"{name}-broker-logs",
            retention_in_days=args.log_retention_days,
            tags=tags,
            opts=child,
        )

        configuration = aws.msk.Configuration(
            f"{name}-config",
            kafka_versions=[kafka.kafka_version],
            server_properties=server_properties(brokers),
            description=f"Platform broker settings ({brokers} brokers)",
            opts=child,
        )

        self.cluster = self._cluster(name, args, configuration, log_group, tags)

        if kafka.max_storage_gb > kafka.storage_gb:
            self._storage_autoscaling(name, kafka.max_storage_gb, tags)

        self.cluster_arn = self.cluster.arn
        self.cluster_name = self.cluster.cluster_name
        # Empty in AWS while only IAM auth is on (the 9094 listener serves TLS/mTLS clients only).
        self.bootstrap_brokers_tls = self.cluster.bootstrap_brokers_tls.apply(lambda s: s or "")
        self.bootstrap_brokers_iam = self.cluster.bootstrap_brokers_sasl_iam
        self.security_group_id = self.security_group.id
        self.access = [self._grant(service) for service in kafka.clients]
        self.register_outputs({
            "cluster_arn": self.cluster_arn, "bootstrap_brokers_iam": self.bootstrap_brokers_iam,
        })

    def _cluster(self, name: str, args: KafkaClusterArgs, configuration: aws.msk.Configuration,
                 log_group: aws.cloudwatch.LogGroup, tags: dict[str, str]) -> aws.msk.Cluster:
        kafka = args.options
        return aws.msk.Cluster(
            f"{name}-cluster",
            kafka_version=kafka.kafka_version,
            number_of_broker_nodes=kafka.broker_count,
            broker_node_group_info=aws.msk.ClusterBrokerNodeGroupInfoArgs(
                instance_type=kafka.broker_type,
                client_subnets=args.subnet_ids,
                security_groups=[self.security_group.id],
                storage_info=aws.msk.ClusterBrokerNodeGroupInfoStorageInfoArgs(
                    ebs_storage_info=aws.msk.ClusterBrokerNodeGroupInfoStorageInfoEbsStorageInfoArgs(
                        volume_size=kafka.storage_gb),
                ),
                connectivity_info=aws.msk.ClusterBrokerNodeGroupInfoConnectivityInfoArgs(
                    public_access=aws.msk.ClusterBrokerNodeGroupInfoConnectivityInfoPublicAccessArgs(
                        type="DISABLED"),
                ),
            ),
            client_authentication=aws.msk.ClusterClientAuthenticationArgs(
                sasl=aws.msk.ClusterClientAuthenticationSaslArgs(iam=True),
                unauthenticated=False,
            ),
            encryption_info=aws.msk.ClusterEncryptionInfoArgs(
                # No key ARN: encrypted at rest with the AWS managed aws/kafka key.
                encryption_in_transit=aws.msk.ClusterEncryptionInfoEncryptionInTransitArgs(
                    client_broker="TLS", in_cluster=True),
            ),
            configuration_info=aws.msk.ClusterConfigurationInfoArgs(
                arn=configuration.arn, revision=configuration.latest_revision),
            logging_info=aws.msk.ClusterLoggingInfoArgs(
                broker_logs=aws.msk.ClusterLoggingInfoBrokerLogsArgs(
                    cloudwatch_logs=aws.msk.ClusterLoggingInfoBrokerLogsCloudwatchLogsArgs(
                        enabled=True, log_group=log_group.name),
                ),
            ),
            enhanced_monitoring="DEFAULT",
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.deletion_protection,
                # Storage autoscaling grows the volumes; never "shrink" them back to storage_gb.
                ignore_changes=["brokerNodeGroupInfo.storageInfo.ebsStorageInfo.volumeSize"],
            ),
        )

    def _storage_autoscaling(self, name: str, max_storage_gb: int, tags: dict[str, str]) -> None:
        """Grow broker storage (target tracking on its utilisation) up to ``max_storage_gb``."""
        target = aws.appautoscaling.Target(
            f"{name}-storage",
            service_namespace="kafka",
            scalable_dimension="kafka:broker-storage:VolumeSize",
            resource_id=self.cluster.arn,
            min_capacity=1,
            max_capacity=max_storage_gb,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.appautoscaling.Policy(
            f"{name}-storage",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            policy_type="TargetTrackingScaling",
            target_tracking_scaling_policy_configuration=(
                aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                    target_value=STORAGE_TARGET_PERCENT,
                    disable_scale_in=True,
                    predefined_metric_specification=_PredefinedMetric(
                        predefined_metric_type="KafkaBrokerStorageUtilization"),
                )),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _grant(self, service: str) -> ServiceAccess:
        arn = self.cluster.arn
        # arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid> -> topic/... and group/... ARNs
        topics = arn.apply(lambda a: a.replace(":cluster/", ":topic/", 1) + "/*")
        groups = arn.apply(lambda a: a.replace(":cluster/", ":group/", 1) + "/*")
        transactional = arn.apply(lambda a: a.replace(":cluster/", ":transactional-id/", 1) + "/*")
        topic_actions = ["kafka-cluster:DescribeTopic", "kafka-cluster:DescribeTopicDynamicConfiguration",
                         "kafka-cluster:ReadData", "kafka-cluster:WriteData"]
        if service in TOPIC_CREATORS:
            topic_actions += ["kafka-cluster:CreateTopic", "kafka-cluster:AlterTopic"]
        return ServiceAccess(
            service=service,
            description=f"{service} Kafka (IAM)",
            security_group_id=self.security_group.id,
            port=IAM_PORT,
            policy_statements=[
                {"Effect": "Allow",
                 # Idempotent producers (the Kafka client default) need WriteDataIdempotently.
                 "Action": ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster",
                            "kafka-cluster:WriteDataIdempotently"],
                 "Resource": [arn]},
                {"Effect": "Allow", "Action": topic_actions, "Resource": [topics]},
                {"Effect": "Allow", "Action": ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"],
                 "Resource": [groups]},
                {"Effect": "Allow",
                 "Action": ["kafka-cluster:DescribeTransactionalId", "kafka-cluster:AlterTransactionalId"],
                 "Resource": [transactional]},
            ],
            environment={
                "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_brokers_iam,
                "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                "KAFKA_SASL_MECHANISM": "AWS_MSK_IAM",
            },
        )
