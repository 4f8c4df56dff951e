"""Amazon MSK: Kafka clusters and their storage autoscaling targets."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, ADVISORY, AVAILABILITY, MANDATORY, SECURITY, SIZING, rule
from ..support.allow_list import allow_list_fix, check_allowed
from ..support.options import integer, options, string_list
from ..support.azs import az_span, count_azs, stack_azs
from ..support.graph import of_type, per_resource, producer
from ..support.props import as_bool, as_int, as_list, as_str, get, is_unknown
from .cross_service import (ENCRYPTION_IN_TRANSIT, NO_PUBLIC_STATEFUL, NameRule, check, no_deletion_protection,
                            physical_names)

MSK_CLUSTER = "aws:msk/cluster:Cluster"
MSK_CONFIGURATION = "aws:msk/configuration:Configuration"
SCALABLE_TARGET = "aws:appautoscaling/target:Target"


# ---- availability -------------------------------------------------------------------------------------

MULTI_AZ_CONFIG = {"minAzs": integer("Client subnets (one per AZ) an MSK cluster must span.", 2, minimum=1)}


# A stack policy so that a first preview decides from the VPC when the subnet ids are unknown.
@rule(name="msk-multi-az", area=AVAILABILITY, resource_types=(MSK_CLUSTER,), stack=True,
      description="MSK clusters' client subnets span at least `minAzs` distinct AZs.",
      level=ADVISORY, severity=Severity.HIGH,
      remediation="Pass one private subnet per AZ in brokerNodeGroupInfo.clientSubnets and at least one "
                  "broker per AZ.", config=MULTI_AZ_CONFIG)
@per_resource(MSK_CLUSTER)
def validate_msk_multi_az(args, report_violation) -> None:
    if args.resource_type != MSK_CLUSTER:
        return
    min_azs = as_int(options(args, MULTI_AZ_CONFIG)["minAzs"], 2)
    subnets = as_list(get(args.props, "brokerNodeGroupInfo.clientSubnets"))
    brokers = as_int(get(args.props, "numberOfBrokerNodes"))
    if is_unknown(subnets):  # a first preview: the VPC's subnet ids are unknown, its AZs are not
        span = az_span(args, "brokerNodeGroupInfo")
        if span is not None and span < min_azs:
            report_violation(f"brokerNodeGroupInfo.clientSubnets come from a VPC spanning {span} AZ(s); "
                             f"at least {min_azs} (one per AZ) required.", None)
    else:
        _check_distinct_azs(args, subnets, min_azs, report_violation)
    # The broker count being a multiple of the subnets is checked by msk-broker-count-multiple-of-subnets.
    if not is_unknown(brokers) and brokers is not None and brokers < max(min_azs, 1):
        report_violation(f"numberOfBrokerNodes is {brokers}; at least one broker in each of "
                         f"{min_azs} AZs required.", None)


def _check_distinct_azs(args, subnets: list, min_azs: int, report_violation) -> None:
    """Distinct AZs of the client subnets, not the number of ids: two subnets of one AZ (or one id twice) give no
    redundancy.  With the stack's graph the ids are resolved to AZs; without it distinct ids bound the count."""
    resource, by_urn = getattr(args, "resource", None), getattr(args, "by_urn", None)
    if resource is not None and by_urn is not None:
        azs = count_azs(resource, "brokerNodeGroupInfo", subnets, stack_azs(by_urn.values()))
        if azs.below(min_azs):
            seen = azs.exact if azs.exact is not None else f"at most {azs.at_most}"
            report_violation(f"brokerNodeGroupInfo.clientSubnets ({azs.subnets} subnet(s)) cover {seen} AZ(s); "
                             f"at least {min_azs} (one subnet per AZ) required.", None)
        return
    distinct = len({s for s in subnets if isinstance(s, str) and not is_unknown(s)}) \
        + sum(1 for s in subnets if is_unknown(s))
    if distinct < min_azs:
        report_violation(f"brokerNodeGroupInfo.clientSubnets has {distinct} distinct subnet(s); "
                         f"at least {min_azs} (one per AZ) required.", None)


# ---- sizing -------------------------------------------------------------------------------------------

BROKER_TYPE_CONFIG = {"allowedBrokerTypes": string_list(
    "MSK broker instance types this stack may use.", ["kafka.m5.large", "kafka.m7g.large"])}


@rule(name="allowed-msk-broker-types", area=SIZING, resource_types=(MSK_CLUSTER,),
      description="MSK broker types come from the stack's allow-list.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation=allow_list_fix("kafka.brokerType"), config=BROKER_TYPE_CONFIG)
def validate_msk_broker_type(args, report_violation) -> None:
    if args.resource_type != MSK_CLUSTER:
        return
    allowed = options(args, BROKER_TYPE_CONFIG)["allowedBrokerTypes"]
    check_allowed(args, report_violation, "brokerNodeGroupInfo.instanceType", allowed,
                  "brokerNodeGroupInfo.instanceType")


STORAGE_CONFIG = {"maxStorageGb": integer(
    "Ceiling (GiB) per broker for MSK EBS storage, including its storage-autoscaling maximum.", 1000, 1)}


@rule(name="msk-storage-limits", area=SIZING, resource_types=(MSK_CLUSTER, SCALABLE_TARGET),
      description="MSK broker storage (and its autoscaling maximum) stays under the ceiling.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Lower kafka.storageGb/maxStorageGb or raise maxStorageGb.", config=STORAGE_CONFIG)
def validate_msk_storage_limits(args, report_violation) -> None:
    ceiling = as_int(options(args, STORAGE_CONFIG)["maxStorageGb"], 1000)
    if args.resource_type == MSK_CLUSTER:
        value = as_int(get(args.props, "brokerNodeGroupInfo.storageInfo.ebsStorageInfo.volumeSize"))
        what = "brokerNodeGroupInfo.storageInfo.ebsStorageInfo.volumeSize"
    elif (args.resource_type == SCALABLE_TARGET and as_str(get(args.props, "serviceNamespace")) == "kafka"):
        # MSK storage autoscaling: maxCapacity is the per-broker volume ceiling in GiB.
        value, what = as_int(get(args.props, "maxCapacity")), "storage autoscaling maxCapacity"
    else:
        return
    if not is_unknown(value) and value is not None and value > ceiling:
        report_violation(f"{what} {value} GiB is above this stack's ceiling of {ceiling} GiB per broker.", None)


# ---- acceptance ---------------------------------------------------------------------------------------

@rule(name="msk-broker-count-multiple-of-subnets", area=ACCEPTANCE, resource_types=(MSK_CLUSTER,),
      description="MSK broker count is a multiple of its 2-3 client subnets, none listed twice.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set numberOfBrokerNodes = AZ count x brokers per AZ.")
def validate_msk_brokers_per_subnet(args, report_violation) -> None:
    if args.resource_type != MSK_CLUSTER:
        return
    subnets = as_list(get(args.props, "brokerNodeGroupInfo.clientSubnets"))
    brokers = as_int(get(args.props, "numberOfBrokerNodes"))
    if is_unknown(subnets) or is_unknown(brokers) or brokers is None or not subnets:
        return
    # MSK developer guide, "Broker distribution": brokers must be a multiple of the client subnets (2026-11).
    if brokers % len(subnets) != 0:
        report_violation(f"numberOfBrokerNodes {brokers} is not a multiple of the {len(subnets)} client "
                         f"subnets.", None)
    if not 2 <= len(subnets) <= 3:
        report_violation(f"MSK takes 2 or 3 client subnets (one per AZ); got {len(subnets)}.", None)
    known = [s for s in subnets if isinstance(s, str) and not is_unknown(s)]
    twice = sorted({s for s in known if known.count(s) > 1})
    if twice:
        report_violation(f"brokerNodeGroupInfo.clientSubnets lists {', '.join(twice)} more than once; MSK refuses "
                         f"duplicate client subnets.", None)


# MSK API reference CreateCluster (read 2026-11): EBSStorageInfo VolumeSize 1-16384 GiB; EnhancedMonitoring
# enum; SASL/SCRAM and IAM client authentication need TLS between clients and brokers (MSK developer guide,
# "Client authentication"); terraform-provider-aws internal/service/kafka/cluster.go enums.
ENHANCED_MONITORING = ("DEFAULT", "PER_BROKER", "PER_TOPIC_PER_BROKER", "PER_TOPIC_PER_PARTITION")
CLIENT_BROKER = ("TLS", "TLS_PLAINTEXT", "PLAINTEXT")


# Kafka versions MSK still supports for new clusters: 3.6.0, 3.7.x, 3.8.x, 3.9.x, 4.0.x and later, some also as
# KRaft (".kraft") builds (Amazon MSK developer guide, "Supported Apache Kafka versions", read 2026-11); the
# program's settings (kafka.kafkaVersion) accept the same shapes.
SUPPORTED_KAFKA_VERSION = re.compile(r"(3\.[6-9]|[4-9]\.\d+)(\.\d+|\.x)(\.kraft)?")


@rule(name="msk-cluster-values", area=ACCEPTANCE, resource_types=(MSK_CLUSTER,),
      description="MSK Kafka version, volume size, enhanced monitoring, client-broker encryption and client "
                  "authentication are values (and combinations) MSK accepts.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the value named in the message (MSK CreateCluster API reference).")
def validate_msk_cluster_values(args, report_violation) -> None:
    if args.resource_type != MSK_CLUSTER:
        return
    p = args.props
    version = as_str(get(p, "kafkaVersion"))
    if isinstance(version, str) and version and not is_unknown(version) \
            and not SUPPORTED_KAFKA_VERSION.fullmatch(version):
        report_violation(f"kafkaVersion {version} is not a version MSK offers for new clusters (3.6.0 or later, "
                         f"like 3.8.x).", None)
    size = as_int(get(p, "brokerNodeGroupInfo.storageInfo.ebsStorageInfo.volumeSize"))
    if size is not None and not is_unknown(size) and not 1 <= size <= 16384:
        report_violation(f"volumeSize {size} GiB is outside 1-16384.", None)
    monitoring = as_str(get(p, "enhancedMonitoring"))
    if monitoring and not is_unknown(monitoring) and monitoring not in ENHANCED_MONITORING:
        report_violation(f"enhancedMonitoring {monitoring!r} is not one of {', '.join(ENHANCED_MONITORING)}.",
                         None)
    client = as_str(get(p, "encryptionInfo.encryptionInTransit.clientBroker"), "TLS")
    if not is_unknown(client) and client not in CLIENT_BROKER:
        report_violation(f"clientBroker {client!r} is not one of {', '.join(CLIENT_BROKER)}.", None)
    sasl = [k for k in ("iam", "scram") if as_bool(get(p, f"clientAuthentication.sasl.{k}"), False) is True]
    if client == "PLAINTEXT" and (sasl or get(p, "clientAuthentication.tls") is not None):
        report_violation(f"Client authentication ({', '.join(sasl) or 'tls'}) needs TLS between clients and "
                         f"brokers; clientBroker is PLAINTEXT.", None)


@rule(name="msk-configuration-kafka-version", area=ACCEPTANCE, resource_types=(MSK_CLUSTER, MSK_CONFIGURATION),
      stack=True,
      description="An MSK cluster's Kafka version is listed in its configuration's kafkaVersions.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Use the same Kafka version for the cluster and its configuration (components/messaging/"
                  "kafka.py).")
def validate_msk_configuration_version(args, report_violation) -> None:
    """The cluster's Kafka version is one its configuration lists: CreateCluster rejects a configuration
    revision whose KafkaVersions do not include the cluster's version (MSK developer guide, "Custom
    configurations", read 2026-11)."""
    resources = list(args.resources)
    for cluster in of_type(resources, MSK_CLUSTER):
        config = producer(cluster, "configurationInfo", MSK_CONFIGURATION)
        if config is None:
            continue
        version = as_str(get(cluster.props, "kafkaVersion"))
        versions = as_list(get(config.props, "kafkaVersions"))
        if is_unknown(version) or is_unknown(versions) or not version or not versions:
            continue
        if version not in versions:
            report_violation(f"kafkaVersion {version} is not in configuration {config.name}'s kafkaVersions "
                             f"({', '.join(map(str, versions))}).", cluster.urn)


def _server_properties(config) -> dict:
    text = as_str(get(config.props, "serverProperties"), "")
    if is_unknown(text):
        return {}
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))
    return {k.strip(): v.strip() for k, v in pairs}


@rule(name="msk-replication-factor", area=AVAILABILITY, resource_types=(MSK_CLUSTER, MSK_CONFIGURATION),
      stack=True,
      description="MSK topics are replicated across brokers and keep accepting writes when one broker is down "
                  "(replication factor <= brokers, min.insync.replicas < replication factor).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set default.replication.factor = min(3, brokers) and min.insync.replicas = factor - 1.")
def validate_msk_replication(args, report_violation) -> None:
    """Topics survive the loss of a broker (one AZ): default.replication.factor fits the broker count, and
    min.insync.replicas stays below it so producers with acks=all keep writing while one broker is down
    (MSK developer guide, "Best practices: build highly available clusters", read 2026-11)."""
    resources = list(args.resources)
    for cluster in of_type(resources, MSK_CLUSTER):
        config = producer(cluster, "configurationInfo", MSK_CONFIGURATION)
        brokers = as_int(get(cluster.props, "numberOfBrokerNodes"))
        if config is None or is_unknown(brokers) or not brokers:
            continue
        props = _server_properties(config)
        factor = as_int(props.get("default.replication.factor"), 3 if brokers >= 3 else brokers)
        in_sync = as_int(props.get("min.insync.replicas"), 2 if brokers >= 3 else 1)
        if factor > brokers:
            report_violation(f"default.replication.factor {factor} is above the {brokers} brokers: topic "
                             f"creation fails.", cluster.urn)
        if in_sync >= factor:
            report_violation(f"min.insync.replicas {in_sync} is not below default.replication.factor {factor}: "
                             f"losing one broker stops producers that wait for all in-sync replicas.", cluster.urn)
        if brokers >= 2 and factor < 2:
            report_violation(f"default.replication.factor {factor}: a topic is lost with its broker's AZ.",
                             cluster.urn)


# ---- security -----------------------------------------------------------------------------------------

@rule(name="msk-client-authentication", area=SECURITY, resource_types=(MSK_CLUSTER,),
      description="MSK clusters require client authentication (IAM, SCRAM or mutual TLS) and refuse "
                  "unauthenticated clients.",
      level=MANDATORY, severity=Severity.CRITICAL,
      remediation="Set clientAuthentication.sasl.iam=true and unauthenticated=false.")
def validate_msk_client_authentication(args, report_violation) -> None:
    if args.resource_type != MSK_CLUSTER:
        return
    p = args.props
    auth = get(p, "clientAuthentication")
    if is_unknown(auth):
        return
    methods = [k for k in ("iam", "scram") if as_bool(get(p, f"clientAuthentication.sasl.{k}"), False) is True]
    if get(p, "clientAuthentication.tls.certificateAuthorityArns") not in (None, []):
        methods.append("tls")
    # Without clientAuthentication MSK allows unauthenticated access (CreateCluster ClientAuthentication,
    # read 2026-11).
    unauthenticated = as_bool(get(p, "clientAuthentication.unauthenticated"), auth is None or not methods)
    if unauthenticated is True:
        report_violation("Unauthenticated client access is allowed: any client in the VPC can read and write "
                         "every topic. Use IAM (sasl.iam) and set unauthenticated=false.", None)
    if not methods and not is_unknown(unauthenticated):
        report_violation("No client authentication method (sasl.iam, sasl.scram or tls) is configured.", None)


@rule(name="msk-broker-logging", area=SECURITY, resource_types=(MSK_CLUSTER,),
      description="MSK clusters deliver broker logs (CloudWatch Logs, Firehose or S3).",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Enable loggingInfo.brokerLogs.cloudwatchLogs with a log group.",
      anchors=("AwsSolutions-MSK6", "CKV_AWS_80"))
def validate_msk_broker_logging(args, report_violation) -> None:
    if args.resource_type != MSK_CLUSTER:
        return
    sinks = ("cloudwatchLogs", "firehose", "s3")
    states = [as_bool(get(args.props, f"loggingInfo.brokerLogs.{k}.enabled"), False) for k in sinks]
    if any(is_unknown(s) for s in states):
        return
    if not any(states):
        report_violation("Broker logs are not delivered anywhere (loggingInfo.brokerLogs).", None)


# ---- checks of cross-service rules (cross_service.py) ----------------------------------------------------

@check(ENCRYPTION_IN_TRANSIT, MSK_CLUSTER, anchors=("AwsSolutions-MSK2", "AwsSolutions-MSK3", "CKV_AWS_81"))
def encrypted_in_transit(args, report_violation, opts) -> None:
    client = as_str(get(args.props, "encryptionInfo.encryptionInTransit.clientBroker"), "TLS")  # AWS default TLS
    if not is_unknown(client) and client != "TLS":
        report_violation(f"encryptionInfo.encryptionInTransit.clientBroker is {client}; use TLS.", None)
    if as_bool(get(args.props, "encryptionInfo.encryptionInTransit.inCluster"), True) is False:
        report_violation("encryptionInfo.encryptionInTransit.inCluster is false.", None)


@check(NO_PUBLIC_STATEFUL, MSK_CLUSTER, anchors=("CKV_AWS_291",))
def brokers_not_public(args, report_violation, opts) -> None:
    access = as_str(get(args.props, "brokerNodeGroupInfo.connectivityInfo.publicAccess.type"), "DISABLED")
    if not is_unknown(access) and access != "DISABLED":
        report_violation(f"brokerNodeGroupInfo.connectivityInfo.publicAccess.type is {access}.", None)


# Encryption at rest: MSK always encrypts (AWS-owned key unless encryptionInfo.encryptionAtRestKmsKeyArn),
# nothing can be switched off, so the cluster takes no part in encryption-at-rest.


no_deletion_protection(MSK_CLUSTER, "The MSK cluster")


# CreateCluster (MSK) ClusterName: 64 characters, letter first (MSK API reference, read 2026-11).
physical_names(NameRule("clusterName", 64, pattern=re.compile(r"[A-Za-z][A-Za-z0-9-]*")), MSK_CLUSTER)


baseline(
    __name__,
    service='Amazon MSK',
    resource_types=(
        'aws:msk/cluster:Cluster',
        'aws:msk/configuration:Configuration',
    ),
)
