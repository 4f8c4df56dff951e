"""Amazon MQ: message brokers (ActiveMQ, RabbitMQ)."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import ACCEPTANCE, ADVISORY, AVAILABILITY, MANDATORY, SIZING, Rule
from ..support.allow_list import allow_list_fix, check_allowed
from ..support.naming import NameRule
from ..support.options import options, string_list
from ..support.props import as_bool, as_list, as_str, get, is_unknown

MQ_BROKER = "aws:mq/broker:Broker"


# ---- availability -------------------------------------------------------------------------------------

MULTI_AZ_MODES = ("ACTIVE_STANDBY_MULTI_AZ", "CLUSTER_MULTI_AZ")


def validate_mq_multi_az(args, report_violation) -> None:
    if args.resource_type != MQ_BROKER:
        return
    mode = as_str(get(args.props, "deploymentMode"), "SINGLE_INSTANCE")  # provider default
    if is_unknown(mode):
        return
    if mode not in MULTI_AZ_MODES:
        report_violation(f"deploymentMode is {mode}; use ACTIVE_STANDBY_MULTI_AZ (ActiveMQ) or "
                         f"CLUSTER_MULTI_AZ (RabbitMQ).", None)


# ---- sizing -------------------------------------------------------------------------------------------

HOST_TYPE_CONFIG = {"allowedHostTypes": string_list(
    "Amazon MQ host instance types this stack may use.", ["mq.m5.large", "mq.m7g.large"])}


def validate_mq_host_type(args, report_violation) -> None:
    if args.resource_type != MQ_BROKER:
        return
    allowed = options(args, HOST_TYPE_CONFIG)["allowedHostTypes"]
    check_allowed(args, report_violation, "hostInstanceType", allowed, "hostInstanceType")


# ---- acceptance ---------------------------------------------------------------------------------------

# Amazon MQ developer guide, "Deployment modes" / CreateBroker SubnetIds (read 2026-11).
SUBNETS_PER_MODE = {"SINGLE_INSTANCE": (1, 1), "ACTIVE_STANDBY_MULTI_AZ": (2, 2)}
SINGLE_ONLY_HOSTS = ("mq.t3.micro",)


def validate_mq_deployment(args, report_violation) -> None:
    if args.resource_type != MQ_BROKER:
        return
    mode = as_str(get(args.props, "deploymentMode"), "SINGLE_INSTANCE")
    host = as_str(get(args.props, "hostInstanceType"))
    if is_unknown(mode):
        return
    if not is_unknown(host) and host in SINGLE_ONLY_HOSTS and mode != "SINGLE_INSTANCE":
        report_violation(f"{host} supports only SINGLE_INSTANCE; deploymentMode is {mode}.", None)
    subnets = as_list(get(args.props, "subnetIds"))
    if is_unknown(subnets) or not subnets or mode not in SUBNETS_PER_MODE:
        return  # no subnets given: a public broker, or AWS picks the default VPC's
    low, high = SUBNETS_PER_MODE[mode]
    if not low <= len(subnets) <= high:
        want = str(low) if low == high else f"{low}-{high}"
        report_violation(f"deploymentMode {mode} takes {want} subnet(s); subnetIds has {len(subnets)}.", None)


# ---- checks of cross-service rules (cross_service.py) ----------------------------------------------------

def broker_not_public(args, report_violation, opts) -> None:
    if as_bool(get(args.props, "publiclyAccessible"), False) is True:
        report_violation("publiclyAccessible is true on a message broker.", None)


SHARED_CHECKS = {
    "no-public-stateful-resources": {MQ_BROKER: broker_not_public},
    "stateful-resource-protection": {MQ_BROKER: None},
}

# CreateBroker BrokerName: 50 characters (Amazon MQ API reference, read 2026-11).
PHYSICAL_NAMES = {MQ_BROKER: NameRule("brokerName", 50, pattern=re.compile(r"[A-Za-z0-9_-]+"))}


RULES = [
    Rule(name="mq-multi-az", area=AVAILABILITY, resource_types=(MQ_BROKER,),
         description="Amazon MQ brokers use a Multi-AZ deployment mode.",
         validate=validate_mq_multi_az, level=ADVISORY, severity=Severity.HIGH,
         remediation="Set deploymentMode=ACTIVE_STANDBY_MULTI_AZ with two subnets (settings multiAz.broker) and a "
                     "host type larger than mq.t3.micro."),
    Rule(name="allowed-mq-host-types", area=SIZING, resource_types=(MQ_BROKER,),
         description="Amazon MQ host types come from the stack's allow-list.",
         validate=validate_mq_host_type, level=MANDATORY, severity=Severity.MEDIUM,
         remediation=allow_list_fix("mq.hostType"), config=HOST_TYPE_CONFIG),
    Rule(name="mq-deployment-mode-subnets", area=ACCEPTANCE, resource_types=(MQ_BROKER,),
         description="Amazon MQ subnets match the deployment mode and mq.t3.micro is SINGLE_INSTANCE only.",
         validate=validate_mq_deployment, level=MANDATORY, severity=Severity.HIGH,
         remediation="SINGLE_INSTANCE: one subnet; ACTIVE_STANDBY_MULTI_AZ: two subnets and mq.m5.large or larger."),
]

# Public checks on Amazon MQ and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='Amazon MQ',
    resource_types=(
        'aws:mq/broker:Broker',
    ),
    covered={
        'CKV_AWS_69': ('no-public-stateful-resources',),
    },
)
