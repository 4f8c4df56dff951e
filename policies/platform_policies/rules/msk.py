"""Amazon MSK: Kafka clusters and their storage autoscaling targets."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import ACCEPTANCE, ADVISORY, AVAILABILITY, MANDATORY, SIZING, Rule
from ..support.allow_list import allow_list_fix, check_allowed
from ..support.graph import az_span, per_resource
from ..support.naming import NameRule
from ..support.options import integer, options, string_list
from ..support.props import as_bool, as_int, as_list, as_str, get, is_unknown

MSK_CLUSTER = "aws:msk/cluster:Cluster"
SCALABLE_TARGET = "aws:appautoscaling/target:Target"


# ---- availability -------------------------------------------------------------------------------------

MULTI_AZ_CONFIG = {"minAzs": integer("Client subnets (one per AZ) an MSK cluster must span.", 2, minimum=1)}


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
    elif len(subnets) < min_azs:
        report_violation(f"brokerNodeGroupInfo.clientSubnets has {len(subnets)} subnet(s); "
                         f"at least {min_azs} (one per AZ) required.", None)
    # The broker count being a multiple of the subnets is checked by msk-broker-count-multiple-of-subnets.
    if not is_unknown(brokers) and brokers is not None and brokers < max(min_azs, 1):
        report_violation(f"numberOfBrokerNodes is {brokers}; at least one broker in each of "
                         f"{min_azs} AZs required.", None)


# ---- sizing -------------------------------------------------------------------------------------------

BROKER_TYPE_CONFIG = {"allowedBrokerTypes": string_list(
    "MSK broker instance types this stack may use.", ["kafka.m5.large", "kafka.m7g.large"])}


def validate_msk_broker_type(args, report_violation) -> None:
    if args.resource_type != MSK_CLUSTER:
        return
    allowed = options(args, BROKER_TYPE_CONFIG)["allowedBrokerTypes"]
    check_allowed(args, report_violation, "brokerNodeGroupInfo.instanceType", allowed,
                  "brokerNodeGroupInfo.instanceType")


STORAGE_CONFIG = {"maxStorageGb": integer(
    "Ceiling (GiB) per broker for MSK EBS storage, including its storage-autoscaling maximum.", 1000, 1)}


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


# ---- checks of cross-service rules (cross_service.py) ----------------------------------------------------

def encrypted_in_transit(args, report_violation, opts) -> None:
    client = as_str(get(args.props, "encryptionInfo.encryptionInTransit.clientBroker"), "TLS")  # AWS default TLS
    if not is_unknown(client) and client != "TLS":
        report_violation(f"encryptionInfo.encryptionInTransit.clientBroker is {client}; use TLS.", None)
    if as_bool(get(args.props, "encryptionInfo.encryptionInTransit.inCluster"), True) is False:
        report_violation("encryptionInfo.encryptionInTransit.inCluster is false.", None)


def brokers_not_public(args, report_violation, opts) -> None:
    access = as_str(get(args.props, "brokerNodeGroupInfo.connectivityInfo.publicAccess.type"), "DISABLED")
    if not is_unknown(access) and access != "DISABLED":
        report_violation(f"brokerNodeGroupInfo.connectivityInfo.publicAccess.type is {access}.", None)


# Encryption at rest: MSK always encrypts (AWS-owned key unless encryptionInfo.encryptionAtRestKmsKeyArn),
# nothing can be switched off, so the cluster takes no part in encryption-at-rest.
SHARED_CHECKS = {
    "encryption-in-transit": {MSK_CLUSTER: encrypted_in_transit},
    "no-public-stateful-resources": {MSK_CLUSTER: brokers_not_public},
    "stateful-resource-protection": {MSK_CLUSTER: None},
}

# CreateCluster (MSK) ClusterName: 64 characters, letter first (MSK API reference, read 2026-11).
PHYSICAL_NAMES = {MSK_CLUSTER: NameRule("clusterName", 64, pattern=re.compile(r"[A-Za-z][A-Za-z0-9-]*"))}


RULES = [
    # A stack policy so that a first preview decides from the VPC when the subnet ids are unknown.
    Rule(name="msk-multi-az", area=AVAILABILITY, resource_types=(MSK_CLUSTER,), stack=True,
         description="MSK clusters span at least `minAzs` client subnets (one per AZ).",
         validate=per_resource((MSK_CLUSTER,), validate_msk_multi_az), level=ADVISORY, severity=Severity.HIGH,
         remediation="Pass one private subnet per AZ in brokerNodeGroupInfo.clientSubnets and at least one "
                     "broker per AZ.", config=MULTI_AZ_CONFIG),
    Rule(name="allowed-msk-broker-types", area=SIZING, resource_types=(MSK_CLUSTER,),
         description="MSK broker types come from the stack's allow-list.",
         validate=validate_msk_broker_type, level=MANDATORY, severity=Severity.MEDIUM,
         remediation=allow_list_fix("kafka.brokerType"), config=BROKER_TYPE_CONFIG),
    Rule(name="msk-storage-limits", area=SIZING, resource_types=(MSK_CLUSTER, SCALABLE_TARGET),
         description="MSK broker storage (and its autoscaling maximum) stays under the ceiling.",
         validate=validate_msk_storage_limits, level=MANDATORY, severity=Severity.MEDIUM,
         remediation="Lower kafka.storageGb/maxStorageGb or raise maxStorageGb.", config=STORAGE_CONFIG),
    Rule(name="msk-broker-count-multiple-of-subnets", area=ACCEPTANCE, resource_types=(MSK_CLUSTER,),
         description="MSK broker count is a multiple of its 2-3 client subnets.",
         validate=validate_msk_brokers_per_subnet, level=MANDATORY, severity=Severity.HIGH,
         remediation="Set numberOfBrokerNodes = AZ count x brokers per AZ."),
]

# Public checks on Amazon MSK and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='Amazon MSK',
    resource_types=(
        'aws:msk/cluster:Cluster',
        'aws:msk/configuration:Configuration',
    ),
    covered={
        'AwsSolutions-MSK2': ('encryption-in-transit',),
        'AwsSolutions-MSK3': ('encryption-in-transit',),
        'CKV_AWS_81': ('encryption-in-transit',),
        'CKV_AWS_291': ('no-public-stateful-resources',),
    },
)
